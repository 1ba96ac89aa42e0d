//go:build mage

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/grafana/grafana-plugin-sdk-go/build/buildinfo"
	"github.com/magefile/mage/mg"

	"github.com/triage-logs/triage/internal/pluginzip"
)

// platform is one GOOS/GOARCH the plugin ships an executable for.
type platform struct{ OS, Arch string }

func (p platform) String() string { return p.OS + "/" + p.Arch }

// catalogPlatforms are the executables Grafana's catalog expects of a
// backend plugin: Grafana runs on all of them (Graviton and Raspberry Pi,
// Docker on Apple silicon, macOS, Windows).
var catalogPlatforms = []platform{
	{"linux", "amd64"}, {"linux", "arm64"}, {"linux", "arm"},
	{"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"},
}

// testPlatforms are what `mage test` packages: this machine's, plus a
// cross-compiled Windows and linux/arm64 build, the two that break first
// (another OS's system calls, another CPU). All six take ~4 minutes on
// 2 cores, too long for every CI run; `mage package` builds them all.
func testPlatforms() []platform {
	out := []platform{{runtime.GOOS, runtime.GOARCH}}
	for _, p := range []platform{{"linux", "arm64"}, {"windows", "amd64"}} {
		if p != out[0] {
			out = append(out, p)
		}
	}
	return out
}

func binaryName(goos, goarch string) string {
	name := fmt.Sprintf("gpx_triage_%s_%s", goos, goarch)
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// Package builds the plugin for every catalog platform and zips it as Grafana's
// catalog lays it out (one top folder triage-logs-datasource/, executables
// gpx_triage_<os>_<arch>[.exe]): artifacts/triage-logs-datasource-<version>.zip
// with all six, one .<os>_<arch>.zip per platform, each with its .sha256. The
// same commit gives the same bytes (see sourceDate). It then checks the
// archives with the package tests.
func Package() error {
	zips, err := packagePlugin(catalogPlatforms)
	if err != nil {
		return err
	}
	return goTest(map[string]string{"TRIAGE_PACKAGE_ZIP": zips.all, "TRIAGE_PACKAGE_PLATFORMS": platformList(catalogPlatforms)},
		"-count=1", "-run", "^TestPackage", "./test/")
}

// packaged names the archives of one packagePlugin call (absolute paths).
type packaged struct {
	all         string
	perPlatform map[platform]string
}

func packagePlugin(platforms []platform) (packaged, error) {
	mg.Deps(Frontend)
	var out packaged
	version, err := packageVersion()
	if err != nil {
		return out, err
	}
	if err := removeExecutables("dist"); err != nil {
		return out, err
	}
	for _, p := range platforms {
		if err := progress("backend "+p.String(), func() error { return build.Build{}.Custom(p.OS, p.Arch) }); err != nil {
			return out, fmt.Errorf("build %s: %w", p, err)
		}
	}
	stamp, err := sourceDate()
	if err != nil {
		return out, err
	}
	executables := map[string]bool{}
	for _, p := range platforms {
		executables[binaryName(p.OS, p.Arch)] = true
	}
	isExecutable := func(rel string) bool { return executables[rel] }
	write := func(name string, include func(string) bool) (string, error) {
		path, err := filepath.Abs(filepath.Join("artifacts", name))
		if err != nil {
			return "", err
		}
		if err := pluginzip.Write(path, "dist", pluginzip.Options{Top: pluginID, Modified: stamp, Include: include, Executable: isExecutable}); err != nil {
			return "", err
		}
		sum, err := fileSHA256(path)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(path+".sha256", []byte(sum+"  "+name+"\n"), 0o644); err != nil {
			return "", err
		}
		fmt.Printf("packaged %s (sha256 %s)\n", filepath.Join("artifacts", name), sum)
		return path, nil
	}
	if out.all, err = write(fmt.Sprintf("%s-%s.zip", pluginID, version), nil); err != nil {
		return out, err
	}
	out.perPlatform = map[platform]string{}
	for _, p := range platforms {
		own := binaryName(p.OS, p.Arch)
		only := func(rel string) bool { return !executables[rel] || rel == own }
		if out.perPlatform[p], err = write(fmt.Sprintf("%s-%s.%s_%s.zip", pluginID, version, p.OS, p.Arch), only); err != nil {
			return out, err
		}
	}
	return out, nil
}

// removeExecutables clears executables of earlier builds from dist, so an
// archive holds exactly the platforms built now.
func removeExecutables(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, "gpx_triage_*"))
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil {
			return err
		}
	}
	return nil
}

func platformList(ps []platform) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return strings.Join(names, ",")
}

var (
	sourceDateOnce sync.Once
	sourceDateTime time.Time
	sourceDateErr  error
)

// sourceDate is the one time stamped into a build: $SOURCE_DATE_EPOCH when
// set (https://reproducible-builds.org/specs/source-date-epoch/), else the
// time of the checked-out commit. It replaces the SDK's build time in the
// executables, the date in plugin.json and every zip entry's time, so two
// builds of one commit give the same bytes. Outside a git checkout, without
// SOURCE_DATE_EPOCH, the current time is used and the build says so.
func sourceDate() (time.Time, error) {
	sourceDateOnce.Do(func() {
		if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
			secs, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				sourceDateErr = fmt.Errorf("SOURCE_DATE_EPOCH=%q must be seconds since 1970", v)
				return
			}
			sourceDateTime = time.Unix(secs, 0).UTC()
			return
		}
		out, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
		if secs, perr := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && perr == nil {
			sourceDateTime = time.Unix(secs, 0).UTC()
			return
		}
		fmt.Println("not a git checkout and no SOURCE_DATE_EPOCH: stamping the current time, so this build is not reproducible")
		sourceDateTime = time.Now().UTC().Truncate(time.Second)
	})
	return sourceDateTime, sourceDateErr
}

func init() {
	// Every backend build (Backend, Package, Run) goes through this hook.
	_ = build.SetBeforeBuildCallback(reproducibleBuild)
}

// reproducibleBuild pins what the SDK's build would take from the moment
// and the machine: the build time in buildinfo (Grafana shows it) becomes
// sourceDate, -trimpath drops the checkout's path, and no VCS stamp records
// whether the tree was clean.
func reproducibleBuild(cfg build.Config) (build.Config, error) {
	stamp, err := sourceDate()
	if err != nil {
		return cfg, err
	}
	version, err := packageVersion()
	if err != nil {
		return cfg, err
	}
	flags := map[string]string{}
	buildinfo.Info{Time: stamp.UnixMilli(), PluginID: pluginID, Version: version}.AppendFlags(flags)
	// The SDK applies CustomVars after its own flags, so these win.
	cfg.CustomVars = flags
	if cfg.Env != nil {
		cfg.Env["GOFLAGS"] = "-trimpath -buildvcs=false"
	}
	return cfg, nil
}

var updatedDate = regexp.MustCompile(`("updated":\s*")[^"]*(")`)

// pinPluginJSONDate replaces the build day the frontend build wrote into
// dist/plugin.json ("updated") with sourceDate's day.
func pinPluginJSONDate() error {
	stamp, err := sourceDate()
	if err != nil {
		return err
	}
	path := filepath.Join("dist", "plugin.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !updatedDate.Match(raw) {
		return fmt.Errorf("%s has no info.updated to pin", path)
	}
	pinned := updatedDate.ReplaceAll(raw, []byte("${1}"+stamp.Format(time.DateOnly)+"${2}"))
	return os.WriteFile(path, pinned, 0o644)
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
