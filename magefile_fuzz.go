//go:build mage

package main

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/triage-logs/triage/test/victorialogs"
)

// fuzzPackages hold the HTTP handlers and the request decoders behind them:
// every Fuzz target there runs fuzzTime inputs in `mage test`, so a handler
// change meets fresh random input in CI, not only the committed corpus.
var fuzzPackages = []string{"./pkg/server", "./pkg/ingest"}

// fuzzTime is a count of inputs, not a duration: with a duration, Go 1.26's
// fuzz coordinator can fail a target with a bare "context deadline
// exceeded" when a worker is mid-input as the time runs out
// (go.dev/issue/75804, fixed in Go 1.27; seen here on FuzzLokiJSON with no
// failing input written). A count has no deadline to race.
const fuzzTime = "20000x"

func fuzzHTTPHandlers() error {
	for _, pkg := range fuzzPackages {
		out, err := exec.Command("go", "test", "-list", "^Fuzz", pkg).Output()
		if err != nil {
			return fmt.Errorf("list fuzz targets of %s: %w", pkg, err)
		}
		for _, line := range strings.Fields(string(out)) {
			if !strings.HasPrefix(line, "Fuzz") {
				continue
			}
			cmd := exec.Command("go", "test", pkg, "-run", "^$", "-fuzz", "^"+line+"$", "-fuzztime", fuzzTime, "-parallel", "2")
			if msg, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("fuzz %s %s: %w\n%s", pkg, line, err, msg)
			}
			fmt.Printf("   fuzzed %s %s with %s inputs\n", pkg, line, strings.TrimSuffix(fuzzTime, "x"))
		}
	}
	return nil
}

// VictoriaLogs installs the pinned VictoriaLogs binary into the cache
// (TRIAGE_CACHE_DIR, default <user cache>/triage): the remote-backend tests
// run a real VictoriaLogs cluster and `mage bench` compares against it.
func VictoriaLogs() error { return installVictoriaLogs() }

func installVictoriaLogs() error {
	path, err := victorialogs.Install()
	if err != nil {
		return err
	}
	fmt.Printf("   %s\n", path)
	return nil
}
