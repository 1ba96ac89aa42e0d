//go:build mage

// Triage's build, test and packaging targets. Run them without installing
// anything: `go run github.com/magefile/mage <target>` or `go run mage.go <target>`.
package main

import (
	"encoding/json"
	"fmt"
	"io"
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

	"github.com/triage-logs/triage/test/victorialogs"
)

const pluginID = "triage-logs-datasource"

// goPackages are the Go packages of the project; never ./... at the root,
// because node_modules ships Go files.
var goPackages = []string{"./pkg/...", "./cmd/...", "./internal/...", "./test/..."}

// Default is what `mage` with no target does.
var Default = Build

// Build builds the backend for this platform and the frontend into dist/.
func Build() {
	mg.SerialDeps(Frontend, Backend)
}

// Backend builds dist/gpx_triage_<os>_<arch> with the SDK's build settings
// (made reproducible by reproducibleBuild).
func Backend() error {
	return build.Build{}.Custom(runtime.GOOS, runtime.GOARCH)
}

// Run starts Triage standalone on its default data directory with a demo
// incident streaming into it, and prints what to curl and how to point
// Grafana and Vector at it once the demo's first hour is searchable. A
// second run continues the same demo; TRIAGE_SERVE_ARGS=-reset starts it
// clean. Other flags go in TRIAGE_SERVE_ARGS too (e.g. "-listen 0.0.0.0:7280 -token t").
func Run() error {
	mg.Deps(Backend)
	args := append([]string{"serve", "-demo"}, strings.Fields(os.Getenv("TRIAGE_SERVE_ARGS"))...)
	return sh.RunV(filepath.Join("dist", binaryName(runtime.GOOS, runtime.GOARCH)), args...)
}

// Frontend builds module.js and copies plugin.json and assets into dist/,
// with plugin.json's date pinned to the commit's (see sourceDate).
func Frontend() error {
	mg.Deps(NodeModules)
	return progress("frontend build", func() error {
		if err := npm(nil, "run", "--silent", "build"); err != nil {
			return err
		}
		return pinPluginJSONDate()
	})
}

// NodeModules runs `npm ci` when node_modules is missing; nothing global.
func NodeModules() error {
	if _, err := os.Stat("node_modules"); err == nil {
		return nil
	}
	return progress("npm ci", func() error { return npm(nil, "ci", "--no-audit", "--no-fund", "--loglevel=error") })
}

// Test runs every test: typecheck, lint and jest (against the @grafana/*
// 12.4 packages and again against 13), installs VictoriaLogs when missing,
// fuzzes the HTTP handlers briefly, then the package (this
// platform plus cross-compiled linux/arm64 and windows/amd64, checked
// header by header), the Go tests (unit tests and the protocol tests
// against the packaged executable), then the browser tests, which are
// skipped with a note when no Chromium is found (CHROMIUM_PATH names one;
// TRIAGE_REQUIRE_BROWSER=1 makes a missing one an error). The Go summary
// is printed last whatever failed.
func Test() error {
	mg.Deps(NodeModules)
	var failures []string
	run := func(name string, fn func() error) bool {
		if err := progress(name, fn); err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", name, err))
			return false
		}
		return true
	}
	run("typecheck", func() error { return npm(nil, "run", "--silent", "typecheck") })
	run("lint", func() error { return npm(nil, "run", "--silent", "lint") })
	run("jest", func() error {
		return npm(nil, "exec", "--no", "--", "jest", "--ci", "--silent", "--passWithNoTests", "--maxWorkers", "2")
	})
	// Grafana 13 is the current release; 12.4 is the oldest we claim.
	run("typecheck and jest against @grafana/* 13", func() error {
		return npm(nil, "run", "--silent", "test:grafana13", "--", "--ci", "--silent", "--maxWorkers", "2")
	})
	// go.mod names direct and indirect requirements correctly, so a
	// dependency's role is readable and `go mod tidy` changes nothing.
	run("go mod tidy changes nothing", func() error { return sh.RunV("go", "mod", "tidy", "-diff") })
	run("victoria-logs "+victorialogs.Version, installVictoriaLogs)
	run("fuzz the HTTP handlers", fuzzHTTPHandlers)
	var zips packaged
	run("package "+platformList(testPlatforms()), func() (err error) {
		zips, err = packagePlugin(testPlatforms())
		return err
	})
	summary := "go test: not run, the package did not build"
	if zips.all != "" {
		host := platform{runtime.GOOS, runtime.GOARCH}
		env := map[string]string{
			"TRIAGE_PACKAGE_ZIP":       zips.all,
			"TRIAGE_PACKAGE_PLATFORMS": platformList(testPlatforms()),
			"PLUGIN_BINARY":            mustAbs(filepath.Join("dist", binaryName(host.OS, host.Arch))),
		}
		run("go test", func() (err error) {
			summary, err = runGoTestJSON(env, append([]string{"-count=1", "-timeout=20m"}, goPackages...))
			return err
		})
	}
	run("browser tests", browserTests)
	for _, f := range failures {
		fmt.Println("FAILED", f)
	}
	fmt.Println(summary)
	if len(failures) > 0 {
		return fmt.Errorf("%d steps failed", len(failures))
	}
	return nil
}

// progress prints one line when a long step starts and one when it ends,
// so a quiet CI log still shows where the time goes.
func progress(name string, fn func() error) error {
	fmt.Printf("== %s\n", name)
	start := time.Now()
	err := fn()
	status := "done"
	if err != nil {
		status = "FAILED"
	}
	fmt.Printf("== %s %s in %s\n", name, status, time.Since(start).Round(100*time.Millisecond))
	return err
}

// npm runs npm without its update notice, funding and audit adverts.
func npm(env map[string]string, args ...string) error {
	all := map[string]string{"npm_config_update_notifier": "false", "npm_config_fund": "false", "npm_config_audit": "false"}
	for k, v := range env {
		all[k] = v
	}
	return sh.RunWithV(all, "npm", args...)
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return abs
}

// E2E runs the Playwright tests in test/grafana-e2e (@grafana/plugin-e2e) against
// a running Grafana at GRAFANA_URL (default http://localhost:3000, the
// docker compose service) with the Chromium findChromium picks
// (CHROMIUM_PATH). It is not part of Test or CI, which run without Docker.
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
	browser, err := findChromium()
	if err != nil {
		return fmt.Errorf("e2e tests: %w; install chromium or set %s", err, chromiumEnv)
	}
	env := map[string]string{"GRAFANA_URL": grafana, chromiumEnv: browser}
	return sh.RunWithV(env, "npx", "playwright", "test", "-c", "test/grafana-e2e/playwright.config.ts")
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

// benchDir receives `mage bench` output; it is git-ignored.
const benchDir = "bench-results"

// Bench measures performance for BENCHMARKS.md: VictoriaLogs and
// `gpx_triage serve` side by side over HTTP (triage-bench compare), the
// package benchmarks (short -benchtime), the engine API in process
// (triage-bench engine), the incident dashboard through the plugin
// protocol over that store, and the same dashboard through each backend
// at 1M events. TRIAGE_BENCH_EVENTS sets the events (default
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
	if err := benchRun(out("querydata-"+size), env, "go", "test", "./test/", "-run", "^$", "-bench", "BenchmarkQueryDataDashboard", "-benchtime", "30x", "-timeout", "30m"); err != nil {
		return err
	}
	// The same four panels through a datasource of each backend (embedded,
	// a VictoriaLogs cluster, gpx_triage serve and the Quickwit fake read as
	// Quickwit) over the same 1M events: the remote stores are loaded over
	// HTTP, which at the record's 10M would take most of an hour more.
	backends := map[string]string{"TRIAGE_BENCH_EVENTS": "1000000", "PLUGIN_BINARY": plugin}
	return benchRun(out("querydata-backends-1M"), backends, "go", "test", "./test/", "-run", "^$", "-bench", "BenchmarkQueryDataBackends", "-benchtime", "15x", "-timeout", "60m")
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
	summary, err := runGoTestJSON(env, args)
	fmt.Println(summary)
	return err
}
