// Package victorialogs finds (or installs) the pinned VictoriaLogs binary
// and starts it as a real server for tests and benchmarks: Triage is judged
// side by side with it, and its remote backend runs against it.
package victorialogs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Version is the VictoriaLogs release tests and benchmarks run against.
const Version = "v1.52.1"

// module is what `go install` builds; the binary is named after its last element.
const module = "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs"

// BinaryEnv names an executable to use instead of the cached install.
const BinaryEnv = "TRIAGE_VICTORIALOGS_BIN"

// CacheEnv names the cache directory; default <os.UserCacheDir>/triage.
const CacheEnv = "TRIAGE_CACHE_DIR"

var installMu sync.Mutex

// CachedPath is where Install puts the binary: <cache>/victoria-logs/<Version>/victoria-logs.
func CachedPath() (string, error) {
	cache := os.Getenv(CacheEnv)
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("find a cache directory for VictoriaLogs (set %s): %w", CacheEnv, err)
		}
		cache = filepath.Join(base, "triage")
	}
	return filepath.Join(cache, "victoria-logs", Version, "victoria-logs"), nil
}

// Binary returns the VictoriaLogs executable: $TRIAGE_VICTORIALOGS_BIN when
// set, else the cached install, made with `go install` when missing (about
// a minute on first use, nothing afterwards).
func Binary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", BinaryEnv, p, err)
		}
		return p, nil
	}
	return Install()
}

// Install puts VictoriaLogs Version into the cache unless it is there
// already, and returns its path.
func Install() (string, error) {
	installMu.Lock()
	defer installMu.Unlock()
	path, err := CachedPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("VictoriaLogs binary %s: %w", path, err)
	}
	// Install into a temporary GOBIN and rename, so a killed install never
	// leaves a half-written binary at the cached path.
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return "", fmt.Errorf("create a temporary install directory in %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "install", module+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %w\n%s", module, Version, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "victoria-logs"), path); err != nil {
		return "", fmt.Errorf("move the installed VictoriaLogs into %s: %w", path, err)
	}
	return path, nil
}
