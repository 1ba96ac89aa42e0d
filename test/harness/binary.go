// Package harness starts the built Triage plugin exactly as Grafana does
// (hashicorp/go-plugin handshake, pluginv2 gRPC services) and gives tests
// one-line helpers for health, queries, resources and streams.
package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
)

// Binary returns the plugin executable under test: $PLUGIN_BINARY when set
// (e.g. dist/gpx_triage_linux_amd64 from `mage build`), else a fresh build
// of ./pkg, made once per test process.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PLUGIN_BINARY"); p != "" {
		abs := p
		if !filepath.IsAbs(p) {
			// Relative to the repository, as in `PLUGIN_BINARY=dist/gpx_triage_linux_amd64`.
			root, err := moduleRoot()
			if err != nil {
				t.Fatalf("PLUGIN_BINARY %q: %v", p, err)
			}
			abs = filepath.Join(root, p)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatalf("PLUGIN_BINARY %q: %v", p, err)
		}
		return abs
	}
	buildOnce.Do(func() { builtPath, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("build plugin: %v", buildErr)
	}
	return builtPath
}

func build() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "triage-plugin-build-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("gpx_triage_%s_%s", runtime.GOOS, runtime.GOARCH))
	cmd := exec.Command("go", "build", "-o", out, "./pkg")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./pkg: %v\n%s", err, msg)
	}
	return out, nil
}

// moduleRoot finds the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the Triage module")
	}
	return filepath.Dir(gomod), nil
}
