//go:build mage

// Triage's build, test and packaging targets. Run them without installing
// anything: `go run github.com/magefile/mage <target>` or `go run mage.go <target>`.
package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

const pluginID = "triage-logs-datasource"

// goPackages are the Go packages of the project; never ./... at the root,
// because node_modules ships Go files.
var goPackages = []string{"./pkg/...", "./cmd/...", "./test/..."}

// Default is what `mage` with no target does.
var Default = Build

// Build builds the backend for this platform and the frontend into dist/.
func Build() {
	mg.SerialDeps(Frontend, Backend)
}

// Backend builds dist/gpx_triage_<os>_<arch> with the SDK's build settings.
func Backend() error {
	return build.Build{}.Custom(runtime.GOOS, runtime.GOARCH)
}

// Run starts Triage standalone on a default data directory with a demo
// incident streaming into it, and prints what to curl and how to point
// Grafana and Vector at it. Extra flags: TRIAGE_SERVE_ARGS (e.g. "-listen 0.0.0.0:7280 -token t").
func Run() error {
	mg.Deps(Backend)
	args := append([]string{"serve", "-demo"}, strings.Fields(os.Getenv("TRIAGE_SERVE_ARGS"))...)
	return sh.RunV(filepath.Join("dist", binaryName(runtime.GOOS, runtime.GOARCH)), args...)
}

// Frontend builds module.js and copies plugin.json and assets into dist/.
func Frontend() error {
	mg.Deps(NodeModules)
	return sh.RunV("npm", "run", "build")
}

// NodeModules runs `npm ci` when node_modules is missing; nothing global.
func NodeModules() error {
	if _, err := os.Stat("node_modules"); err == nil {
		return nil
	}
	return sh.RunV("npm", "ci", "--no-audit", "--no-fund")
}

// Test runs every test: typecheck, lint, jest and the browser test, then the
// package check and the Go tests (unit and protocol tests against the
// packaged executable).
// The Go summary is printed last.
func Test() error {
	mg.Deps(NodeModules)
	for _, script := range []string{"typecheck", "lint"} {
		if err := sh.RunV("npm", "run", script); err != nil {
			return fmt.Errorf("npm run %s: %w", script, err)
		}
	}
	if err := sh.RunV("npx", "jest", "--ci", "--passWithNoTests", "--maxWorkers", "2"); err != nil {
		return fmt.Errorf("jest: %w", err)
	}
	// The query editor in Debian's Chromium; the screenshot lands in test-results/.
	if err := sh.RunV("npm", "run", "test:browser"); err != nil {
		return fmt.Errorf("npm run test:browser (needs /usr/bin/chromium: apt-get install -y chromium): %w", err)
	}
	zipPath, err := packagePlugin()
	if err != nil {
		return err
	}
	// Tests run in their package's directory: hand them absolute paths.
	absZip, err := filepath.Abs(zipPath)
	if err != nil {
		return err
	}
	absBinary, err := filepath.Abs(filepath.Join("dist", binaryName(runtime.GOOS, runtime.GOARCH)))
	if err != nil {
		return err
	}
	env := map[string]string{"TRIAGE_PACKAGE_ZIP": absZip, "PLUGIN_BINARY": absBinary}
	return goTest(env, append([]string{"-count=1", "-timeout=20m"}, goPackages...)...)
}

// E2E runs the Playwright tests in tests/e2e (@grafana/plugin-e2e) against
// a running Grafana at GRAFANA_URL (default http://localhost:3000, the
// docker compose service) with the Chromium at
// PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH (default Debian's /usr/bin/chromium).
// It is not part of Test or CI, which run without Docker.
func E2E() error {
	mg.Deps(NodeModules)
	grafana := strings.TrimRight(os.Getenv("GRAFANA_URL"), "/")
	if grafana == "" {
		grafana = "http://localhost:3000"
	}
	client := http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(grafana + "/api/health")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET /api/health answered %s", res.Status)
		}
	}
	if err != nil {
		return fmt.Errorf("no Grafana at %s: start it with docker compose up (%v)", grafana, err)
	}
	browser := os.Getenv("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		return fmt.Errorf("no Chromium at %s: set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH or apt-get install -y chromium", browser)
	}
	env := map[string]string{"GRAFANA_URL": grafana, "PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH": browser}
	return sh.RunWithV(env, "npx", "playwright", "test", "-c", "tests/e2e/playwright.config.ts")
}

// Package builds and zips the plugin as grafana-cli installs it:
// triage-logs-datasource-<version>.<os>_<arch>.zip with one top folder, plus its sha256.
func Package() error {
	_, err := packagePlugin()
	return err
}

func packagePlugin() (string, error) {
	mg.SerialDeps(Frontend, Backend)
	version, err := packageVersion()
	if err != nil {
		return "", err
	}
	zipPath := filepath.Join("artifacts", fmt.Sprintf("%s-%s.%s_%s.zip", pluginID, version, runtime.GOOS, runtime.GOARCH))
	if err := writeZip("dist", pluginID, zipPath); err != nil {
		return "", fmt.Errorf("package %s: %w", zipPath, err)
	}
	sum, err := fileSHA256(zipPath)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(zipPath+".sha256", []byte(sum+"  "+filepath.Base(zipPath)+"\n"), 0o644); err != nil {
		return "", err
	}
	fmt.Printf("packaged %s (sha256 %s)\n", zipPath, sum)
	return zipPath, nil
}

func binaryName(goos, goarch string) string {
	name := fmt.Sprintf("gpx_triage_%s_%s", goos, goarch)
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

func packageVersion() (string, error) {
	raw, err := os.ReadFile("package.json")
	if err != nil {
		return "", err
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil || pkg.Version == "" {
		return "", fmt.Errorf("package.json has no version: %v", err)
	}
	return pkg.Version, nil
}

// writeZip stores every file of srcDir under top/ in the zip, keeping modes
// so the executable keeps its run bit.
func writeZip(srcDir, top, zipPath string) error {
	if err := os.MkdirAll(filepath.Dir(zipPath), 0o755); err != nil {
		return err
	}
	out, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	walkErr := filepath.WalkDir(srcDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(srcDir, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		hdr.Name = top + "/" + filepath.ToSlash(rel)
		hdr.Method = zip.Deflate
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err := zw.Close(); err != nil && walkErr == nil {
		walkErr = err
	}
	if err := out.Close(); err != nil && walkErr == nil {
		walkErr = err
	}
	return walkErr
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// benchDir receives `mage bench` output; it is git-ignored.
const benchDir = "bench-results"

// Bench measures performance for BENCHMARKS.md: VictoriaLogs and
// `gpx_triage serve` side by side over HTTP (triage-bench compare), the
// package benchmarks (short -benchtime), the engine API in process
// (triage-bench engine) and the incident dashboard through the plugin
// protocol over that store. TRIAGE_BENCH_EVENTS sets the events (default
// 10,000,000, the record; 1000000 for a quick check); TRIAGE_BENCH_QUICK=1
// runs only a tiny side-by-side smoke run for CI. Raw output goes to
// bench-results/<time>-*.txt, each file headed by the machine's load. The
// record run takes about an hour on 2 cores; it is not part of Test.
func Bench() error {
	mg.Deps(Backend)
	if err := os.MkdirAll(benchDir, 0o755); err != nil {
		return err
	}
	events := 10_000_000
	if s := os.Getenv("TRIAGE_BENCH_EVENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("TRIAGE_BENCH_EVENTS=%q: want a positive number of events", s)
		}
		events = n
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	out := func(name string) string { return filepath.Join(benchDir, stamp+"-"+name+".txt") }
	bin := filepath.Join(benchDir, "triage-bench")
	if err := sh.RunV("go", "build", "-buildvcs=true", "-o", bin, "./cmd/triage-bench"); err != nil {
		return err
	}
	plugin, err := filepath.Abs(filepath.Join("dist", binaryName(runtime.GOOS, runtime.GOARCH)))
	if err != nil {
		return err
	}
	if os.Getenv("TRIAGE_BENCH_QUICK") != "" {
		return benchRun(out("compare-quick"), nil, bin, "compare", "-quick", "-triage-bin", plugin)
	}
	size := fmt.Sprintf("%dk", events/1000)
	if events%1_000_000 == 0 {
		size = fmt.Sprintf("%dM", events/1_000_000)
	}
	if err := benchRun(out("compare-"+size), nil, bin, "compare", "-events", strconv.Itoa(events), "-triage-bin", plugin); err != nil {
		return err
	}
	if err := benchRun(out("packages"), nil, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "300ms", "-timeout", "30m", "./pkg/..."); err != nil {
		return err
	}
	store, err := filepath.Abs(filepath.Join(benchDir, "store-"+size))
	if err != nil {
		return err
	}
	if err := os.RemoveAll(store); err != nil {
		return err
	}
	defer os.RemoveAll(store)
	if err := benchRun(out("engine-"+size), nil, bin, "engine", "-events", strconv.Itoa(events), "-dir", store, "-keep"); err != nil {
		return err
	}
	env := map[string]string{"TRIAGE_BENCH_STORE": store, "PLUGIN_BINARY": plugin}
	return benchRun(out("querydata-"+size), env, "go", "test", "./test/", "-run", "^$", "-bench", "BenchmarkQueryDataDashboard", "-benchtime", "30x", "-timeout", "30m")
}

// benchRun runs one measurement, copying its output to the terminal and to
// path after a header with the command and the load average before it.
func benchRun(path string, env map[string]string, cmd string, args ...string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	load, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		load = []byte("unknown")
	}
	fmt.Fprintf(f, "# %s %s\n# started %s, load average (1, 5, 15 min, runnable/total, last pid): %s\n",
		cmd, strings.Join(args, " "), time.Now().UTC().Format(time.RFC3339), strings.TrimSpace(string(load)))
	w := io.MultiWriter(os.Stdout, f)
	if _, err := sh.Exec(env, w, w, cmd, args...); err != nil {
		return fmt.Errorf("%s %s: %w", cmd, strings.Join(args, " "), err)
	}
	return nil
}

// goTest runs go test and prints failures in full, then a summary whose
// last line CI reads ("go test: N passed, N failed, N skipped").
func goTest(env map[string]string, args ...string) error {
	return runGoTestJSON(env, args)
}
