package server

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// sampleFileName is written beside the store at every start, with events
// from the minute before, so the banner's curl command works as printed.
const sampleFileName = "sample-events.ndjson"

// writeSampleEvents writes 20 generated events, Quickwit NDJSON, and
// returns the file's path.
func writeSampleEvents(dataDir string, now time.Time) (string, error) {
	cfg := loadgen.Config{Seed: uint64(now.UnixNano()), Start: now.Add(-time.Minute), Span: time.Minute, Count: 20}
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	gen := loadgen.New(cfg)
	var body []byte
	for range cfg.Count {
		body = gen.AppendNext(body)
		body = append(body, '\n')
	}
	path := filepath.Join(dataDir, sampleFileName)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return "", fmt.Errorf("write the sample events %s: %w", path, err)
	}
	return path, nil
}
