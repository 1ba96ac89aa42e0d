package plugin

import (
	"fmt"
	"os"
	"path/filepath"
)

// diskState is what health reports about the data directory.
type diskState struct {
	FreeBytes  uint64
	TotalBytes uint64
}

// checkDataDir creates dir if needed and proves it writable by writing,
// syncing and removing a probe file: a directory that exists but cannot
// take a write would otherwise fail only at the first ingest.
func checkDataDir(dir string) (diskState, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return diskState{}, fmt.Errorf("data directory %s cannot be created: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return diskState{}, fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	name := probe.Name()
	_, werr := probe.Write([]byte("triage"))
	serr := probe.Sync()
	cerr := probe.Close()
	rerr := os.Remove(name)
	for _, e := range []error{werr, serr, cerr, rerr} {
		if e != nil {
			return diskState{}, fmt.Errorf("data directory %s is not writable: %w", dir, e)
		}
	}
	st, err := diskSpace(filepath.Clean(dir))
	if err != nil {
		return diskState{}, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return st, nil
}

// formatBytes renders a byte count for people ("12.3 GiB").
func formatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
