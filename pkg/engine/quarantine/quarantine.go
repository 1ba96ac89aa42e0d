package quarantine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine/durable"
)

// DirName holds what Open found damaged: moved (or copied) out
// of the way so the index opens without it, kept so an operator can
// inspect or restore it, each item with a report of what was lost
// (<item>.damage.json) that IndexStats.Damage lists. Removing an item and
// its report clears it from health.
const (
	DirName            = "quarantine"
	damageReportSuffix = ".damage.json"
)

// Dir is one index's quarantine directory and the damage log its
// reports feed.
type Dir struct {
	IndexDir string
	Log      *Log
}

func (q Dir) dir() string { return filepath.Join(q.IndexDir, DirName) }

// Rel names a path inside the index directory as reports show it.
func (q Dir) Rel(path string) string {
	if r, err := filepath.Rel(q.IndexDir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// MoveAside moves path (a file or a directory of the index) into the
// Dir as name, or as name plus a suffix when that is taken, and
// returns where it is now, relative to the index directory.
func (q Dir) MoveAside(path, name string) (string, error) {
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
	if err := durable.SyncDir(q.dir()); err != nil {
		return "", fmt.Errorf("sync quarantine directory: %w", err)
	}
	if err := durable.SyncDir(filepath.Dir(path)); err != nil {
		return "", fmt.Errorf("sync %s: %w", filepath.Dir(path), err)
	}
	return q.Rel(dst), nil
}

// KeepBytes stores a copy of damaged bytes as name, durably, before the
// file they came from is repaired.
func (q Dir) KeepBytes(name string, b []byte) (string, error) {
	if err := os.MkdirAll(q.dir(), 0o755); err != nil {
		return "", fmt.Errorf("create quarantine directory: %w", err)
	}
	path := filepath.Join(q.dir(), name)
	if err := durable.WriteFile(path, b); err != nil {
		return "", fmt.Errorf("keep damaged bytes: %w", err)
	}
	return q.Rel(path), nil
}

// Report persists d next to its item (named key) and adds it to the
// damage log. Reporting the same key again (damage found again after a
// crash interrupted its repair) replaces the earlier report.
func (q Dir) Report(key string, d Damage) error {
	if d.At.IsZero() {
		d.At = time.Now().UTC()
	}
	d.Key = key
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode damage report: %w", err)
	}
	if err := os.MkdirAll(q.dir(), 0o755); err != nil {
		return fmt.Errorf("create quarantine directory: %w", err)
	}
	if err := durable.WriteFile(filepath.Join(q.dir(), key+damageReportSuffix), data); err != nil {
		return fmt.Errorf("write damage report: %w", err)
	}
	q.Log.add(d)
	return nil
}

// LoadReports reads the reports of an index's quarantine. An item
// set aside without a report (by a version that kept none) gets the one
// unreported makes up, so every quarantined item is counted.
func LoadReports(indexDir string, unreported func(q Dir, path string) Damage) ([]Damage, error) {
	q := Dir{IndexDir: indexDir}
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
		d := Damage{Kind: DamageKind("unknown"), Kept: q.Rel(filepath.Join(q.dir(), key)), EventsLost: -1}
		data, err := os.ReadFile(filepath.Join(q.dir(), e.Name()))
		if err == nil {
			err = json.Unmarshal(data, &d)
		}
		if err != nil {
			d.Reason = fmt.Sprintf("the damage report %s cannot be read (%v): what was lost is unknown", e.Name(), err)
		}
		d.Key = key
		out = append(out, d)
	}
	for _, e := range entries {
		if !e.IsDir() || reported[e.Name()] {
			continue
		}
		path := filepath.Join(q.dir(), e.Name())
		out = append(out, unreported(q, path))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
