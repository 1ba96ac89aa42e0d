package split

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

// LoadDamage reads the reports of an index's quarantine. A split
// set aside without a report (by a version that kept none) gets one made
// up from its metadata, so every quarantined split is counted.
func LoadDamage(indexDir string) ([]quarantine.Damage, error) {
	return quarantine.LoadReports(indexDir, func(q quarantine.Dir, path string) quarantine.Damage {
		return DamageOf(q, path, path, "set aside at an earlier Open that kept no report", time.Time{})
	})
}

// DamageOf describes a split set aside: its events (when its metadata
// can still be read) are what was lost.
func DamageOf(q quarantine.Dir, from, kept, reason string, at time.Time) quarantine.Damage {
	d := quarantine.Damage{Kind: quarantine.DamageSplit, Path: q.Rel(from), Kept: q.Rel(kept), EventsLost: -1, Reason: reason, At: at}
	d.Key = filepath.Base(kept)
	if m, err := ReadMeta(kept); err == nil {
		d.EventsLost, d.FirstSeq, d.LastSeq, d.MinTime, d.MaxTime = int64(m.Rows), m.MinSeq, m.MaxSeq, m.MinTime, m.MaxTime
		d.Bytes = m.SizeBytes
	} else if entries, err := os.ReadDir(kept); err == nil && len(entries) == 0 {
		d.EventsLost = 0 // an empty directory held nothing
	}
	return d
}

// Quarantine moves a damaged split directory aside and reports it;
// servedBy, when set, says which other splits hold all its events, so
// nothing was lost.
func Quarantine(q quarantine.Dir, splitPath string, cause error, servedBy string) error {
	kept, err := q.MoveAside(splitPath, filepath.Base(splitPath))
	if err != nil {
		return err
	}
	reason := cause.Error()
	if servedBy != "" {
		reason += "; " + servedBy
	}
	d := DamageOf(q, splitPath, filepath.Join(q.IndexDir, kept), reason, time.Now().UTC())
	if servedBy != "" {
		d.EventsLost = 0
	}
	return q.Report(d.Key, d)
}

// Quarantined lists the split ids in the index's quarantine.
func Quarantined(indexDir string) []string {
	entries, err := os.ReadDir(filepath.Join(indexDir, quarantine.DirName))
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids
}

// IsDamage reports whether a split failed to open because of what is
// on disk (checksums, missing files), not because the disk failed to read.
func IsDamage(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, os.ErrNotExist)
}
