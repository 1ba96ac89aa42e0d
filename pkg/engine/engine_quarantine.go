package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// indexQuarantineDir holds splits that failed their checksums at open:
// moved out of the way so the index opens without them, kept so an
// operator can inspect them, and listed in IndexStats.CorruptSplits.
const indexQuarantineDir = "quarantine"

// quarantineSplit moves a corrupt split directory into the index's quarantine.
func quarantineSplit(indexDir, splitPath string) error {
	qdir := filepath.Join(indexDir, indexQuarantineDir)
	if err := os.MkdirAll(qdir, 0o755); err != nil {
		return fmt.Errorf("create quarantine directory: %w", err)
	}
	dst := filepath.Join(qdir, filepath.Base(splitPath))
	if err := os.Rename(splitPath, dst); err != nil {
		return fmt.Errorf("move corrupt split %s aside: %w", splitPath, err)
	}
	return syncSplitParent(qdir)
}

// quarantinedSplits lists the split ids in the index's quarantine.
func quarantinedSplits(indexDir string) []string {
	entries, err := os.ReadDir(filepath.Join(indexDir, indexQuarantineDir))
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.Name())
	}
	sort.Strings(ids)
	return ids
}
