//go:build mage

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// chromiumEnv is the one variable naming the browser for every test that
// drives one (the query editor test, the dashboard render, the e2e tests).
const chromiumEnv = "CHROMIUM_PATH"

// requireBrowserEnv set to 1 makes a missing Chromium an error (CI sets it),
// so browser tests can never be skipped there unnoticed.
const requireBrowserEnv = "TRIAGE_REQUIRE_BROWSER"

// errNoChromium means no browser was found; tests that need one are skipped.
var errNoChromium = errors.New("no Chromium found")

// findChromium returns $CHROMIUM_PATH, or the first Chromium or Chrome
// installed in the usual places.
func findChromium() (string, error) {
	if p := os.Getenv(chromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", chromiumEnv, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if runtime.GOOS == "darwin" {
		for _, p := range []string{"/Applications/Chromium.app/Contents/MacOS/Chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"} {
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", errNoChromium
}

// browserTests runs the query editor in a real Chromium, or says in one line
// why it did not and how to make it run.
func browserTests() error {
	browser, err := findChromium()
	switch {
	case errors.Is(err, errNoChromium) && os.Getenv(requireBrowserEnv) != "1":
		fmt.Printf("browser tests skipped: no Chromium found; install one (apt-get install chromium) or set %s=/path/to/chromium\n", chromiumEnv)
		return nil
	case err != nil:
		return fmt.Errorf("browser tests (%s=1): %w; install chromium or set %s", requireBrowserEnv, err, chromiumEnv)
	}
	return npm(map[string]string{chromiumEnv: browser}, "run", "--silent", "test:browser")
}
