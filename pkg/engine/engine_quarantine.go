package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// indexQuarantineDir holds what Open found damaged: moved (or copied) out
// of the way so the index opens without it, kept so an operator can
// inspect or restore it, each item with a report of what was lost
// (<item>.damage.json) that IndexStats.Damage lists. Removing an item and
// its report clears it from health.
const (
	indexQuarantineDir = "quarantine"
	damageReportSuffix = ".damage.json"
)

// quarantine is one index's quarantine directory and the damage log its
// reports feed.
type quarantine struct {
	indexDir string
	log      *damageLog
}

func (q quarantine) dir() string { return filepath.Join(q.indexDir, indexQuarantineDir) }

// rel names a path inside the index directory as reports show it.
func (q quarantine) rel(path string) string {
	if r, err := filepath.Rel(q.indexDir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// moveAside moves path (a file or a directory of the index) into the
// quarantine as name, or as name plus a suffix when that is taken, and
// returns where it is now, relative to the index directory.
func (q quarantine) moveAside(path, name string) (string, error) {
	if err := os.MkdirAll(q.dir(), 0o755); err != nil {
		return "", fmt.Errorf("create quarantine directory: %w", err)
	}
	dst := filepath.Join(q.dir(), name)
	if _, err := os.Lstat(dst); err == nil {
		dst += "." + time.Now().UTC().Format("20060102T150405.000000000")
	}
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("move damaged %s aside: %w", path, err)
	}
	if err := syncDir(q.dir()); err != nil {
		return "", fmt.Errorf("sync quarantine directory: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return "", fmt.Errorf("sync %s: %w", filepath.Dir(path), err)
	}
	return q.rel(dst), nil
}

// keepBytes stores a copy of damaged bytes as name, durably, before the
// file they came from is repaired.
func (q quarantine) keepBytes(name string, b []byte) (string, error) {
	if err := os.MkdirAll(q.dir(), 0o755); err != nil {
		return "", fmt.Errorf("create quarantine directory: %w", err)
	}
	path := filepath.Join(q.dir(), name)
	if err := writeFileAtomic(path, b); err != nil {
		return "", fmt.Errorf("keep damaged bytes: %w", err)
	}
	return q.rel(path), nil
}

// report persists d next to its item (named key) and adds it to the
// damage log. Reporting the same key again (damage found again after a
// crash interrupted its repair) replaces the earlier report.
func (q quarantine) report(key string, d Damage) error {
	if d.At.IsZero() {
		d.At = time.Now().UTC()
	}
	d.key = key
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode damage report: %w", err)
	}
	if err := os.MkdirAll(q.dir(), 0o755); err != nil {
		return fmt.Errorf("create quarantine directory: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(q.dir(), key+damageReportSuffix), data); err != nil {
		return fmt.Errorf("write damage report: %w", err)
	}
	q.log.add(d)
	return nil
}

// loadDamageReports reads the reports of an index's quarantine. A split
// set aside without a report (by a version that kept none) gets one made
// up from its metadata, so every quarantined split is counted.
func loadDamageReports(indexDir string) ([]Damage, error) {
	q := quarantine{indexDir: indexDir}
	entries, err := os.ReadDir(q.dir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	var out []Damage
	reported := map[string]bool{}
	for _, e := range entries {
		key, ok := strings.CutSuffix(e.Name(), damageReportSuffix)
		if !ok || e.IsDir() {
			continue
		}
		reported[key] = true
		d := Damage{Kind: DamageKind("unknown"), Kept: q.rel(filepath.Join(q.dir(), key)), EventsLost: -1}
		data, err := os.ReadFile(filepath.Join(q.dir(), e.Name()))
		if err == nil {
			err = json.Unmarshal(data, &d)
		}
		if err != nil {
			d.Reason = fmt.Sprintf("the damage report %s cannot be read (%v): what was lost is unknown", e.Name(), err)
		}
		d.key = key
		out = append(out, d)
	}
	for _, e := range entries {
		if !e.IsDir() || reported[e.Name()] {
			continue
		}
		path := filepath.Join(q.dir(), e.Name())
		out = append(out, splitDamage(q, path, path, "set aside at an earlier Open that kept no report", time.Time{}))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

// splitDamage describes a split set aside: its events (when its metadata
// can still be read) are what was lost.
func splitDamage(q quarantine, from, kept, reason string, at time.Time) Damage {
	d := Damage{Kind: DamageSplit, Path: q.rel(from), Kept: q.rel(kept), EventsLost: -1, Reason: reason, At: at}
	d.key = filepath.Base(kept)
	if m, err := ReadSplitMeta(kept); err == nil {
		d.EventsLost, d.FirstSeq, d.LastSeq, d.MinTime, d.MaxTime = int64(m.Rows), m.MinSeq, m.MaxSeq, m.MinTime, m.MaxTime
		d.Bytes = m.SizeBytes
	} else if entries, err := os.ReadDir(kept); err == nil && len(entries) == 0 {
		d.EventsLost = 0 // an empty directory held nothing
	}
	return d
}

// quarantineSplit moves a damaged split directory aside and reports it;
// servedBy, when set, says which other splits hold all its events, so
// nothing was lost.
func (q quarantine) quarantineSplit(splitPath string, cause error, servedBy string) error {
	kept, err := q.moveAside(splitPath, filepath.Base(splitPath))
	if err != nil {
		return err
	}
	reason := cause.Error()
	if servedBy != "" {
		reason += "; " + servedBy
	}
	d := splitDamage(q, splitPath, filepath.Join(q.indexDir, kept), reason, time.Now().UTC())
	if servedBy != "" {
		d.EventsLost = 0
	}
	return q.report(d.key, d)
}

// quarantinedSplits lists the split ids in the index's quarantine.
func quarantinedSplits(indexDir string) []string {
	entries, err := os.ReadDir(filepath.Join(indexDir, indexQuarantineDir))
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
