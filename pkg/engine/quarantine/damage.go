package quarantine

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// DamageKind names what kind of stored data was found damaged.
type DamageKind string

const (
	// DamageWALRecord: bytes of a WAL segment that are not an intact record
	// (checksum mismatch, undecodable, out of seq order, or not a record at
	// all) were moved aside; replay went on with the records after them.
	DamageWALRecord DamageKind = "wal_record"
	// DamageWALGap: seqs are missing between two intact WAL records (or
	// between the splits and the first record): a segment was deleted or cut.
	DamageWALGap DamageKind = "wal_gap"
	// DamageWALStrayFile: a file in wal/ that is not a segment was moved aside.
	DamageWALStrayFile DamageKind = "wal_stray_file"
	// DamageSplit: a split failed its checksums or misses files and was
	// moved aside at Open.
	DamageSplit DamageKind = "split"
	// DamageMergeMarker: a merged split's marker could not be read; it was
	// moved aside and which splits stay live was derived from the splits'
	// own checksums and seqs (merge_marker_repair.go).
	DamageMergeMarker DamageKind = "merge_marker"
	// DamageCheckpoint: checkpoint.json could not be read; it was moved
	// aside and rebuilt from the splits and the WAL.
	DamageCheckpoint DamageKind = "checkpoint"
	// DamageIndexConfig: index.json could not be read; it was moved aside
	// and restored from its backup copy, or the index stays unavailable.
	DamageIndexConfig DamageKind = "index_config"
)

// Damage is one damaged item an index's Open set aside in its quarantine
// directory, with what was lost. It is kept as a report next to the item
// (quarantine/<item>.damage.json) and listed in IndexStats until an
// operator removes both.
type Damage struct {
	Kind DamageKind `json:"kind"`
	// Path is where the damaged data was, relative to the index directory.
	Path string `json:"path"`
	// Kept is where its bytes are now, relative to the index directory;
	// empty when there was nothing to keep (a seq gap).
	Kept string `json:"kept,omitempty"`
	// Bytes is the size of what was moved aside.
	Bytes int64 `json:"bytes,omitempty"`
	// EventsLost counts acknowledged events that are no longer searchable
	// because of this damage; -1 when it cannot be known.
	EventsLost int64 `json:"events_lost"`
	// FirstSeq and LastSeq bound the lost events' seqs when known.
	FirstSeq uint64 `json:"first_seq,omitempty"`
	LastSeq  uint64 `json:"last_seq,omitempty"`
	// MinTime and MaxTime bound the lost events' timestamps (Unix ns) when
	// known (both zero otherwise), so queries outside them stay complete.
	MinTime int64     `json:"min_time_ns,omitempty"`
	MaxTime int64     `json:"max_time_ns,omitempty"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
	// Key names the report file in the quarantine (<key>.damage.json).
	Key string `json:"-"`
}

// timeKnown reports whether the lost events' time range is known.
func (d *Damage) timeKnown() bool { return d.MinTime != 0 || d.MaxTime != 0 }

// covers reports whether the seqs [first, last] are all within a range
// this damage already accounts for, so a gap is reported once.
func (d *Damage) covers(first, last uint64) bool {
	return d.FirstSeq != 0 && d.FirstSeq <= first && last <= d.LastSeq
}

// Log is an index's record of damage: the reports of its quarantine
// (loaded at Open) and the damaged splits its queries met since.
type Log struct {
	Index  string
	Logger *slog.Logger

	mu      sync.Mutex
	Reports []Damage
	// torn counts unacknowledged WAL tails cut at Open (crash leftovers,
	// not damage: the write was never acknowledged).
	torn int64
	// reads counts (query, split) pairs that skipped a damaged split;
	// readSplits names those splits.
	reads      int64
	readSplits []string
}

func NewLog(index string, logger *slog.Logger, reports []Damage) *Log {
	return &Log{Index: index, Logger: logger, Reports: reports}
}

// add records new damage and logs it: an operator reading the log learns
// what was set aside, where it is kept and what was lost.
func (d *Log) add(dmg Damage) {
	d.mu.Lock()
	i := slices.IndexFunc(d.Reports, func(r Damage) bool { return r.Key == dmg.Key })
	if i >= 0 {
		d.Reports[i] = dmg
	} else {
		d.Reports = append(d.Reports, dmg)
	}
	d.mu.Unlock()
	d.Logger.Error("stored data was damaged and set aside", "index", d.Index, "kind", string(dmg.Kind),
		"path", dmg.Path, "kept", dmg.Kept, "events_lost", dmg.EventsLost, "first_seq", dmg.FirstSeq, "last_seq", dmg.LastSeq,
		"reason", dmg.Reason)
}

// Covered reports whether a seq gap is already accounted for by a report
// other than those named by except (damage found again after a crash
// interrupted its repair must keep its count).
func (d *Log) Covered(first, last uint64, except []Damage) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.Reports {
		r := &d.Reports[i]
		if r.covers(first, last) && !slices.ContainsFunc(except, func(e Damage) bool { return e.Key == r.Key }) {
			return true
		}
	}
	return false
}

// LastLostSeq is the highest seq a report names: seqs of lost records are
// never handed out again, so a report keeps meaning one set of events.
func (d *Log) LastLostSeq() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var last uint64
	for i := range d.Reports {
		last = max(last, d.Reports[i].LastSeq)
	}
	return last
}

func (d *Log) TornTail(path string, bytes int64) {
	d.mu.Lock()
	d.torn++
	d.mu.Unlock()
	d.Logger.Warn("cut an unfinished write from the end of the WAL (a crash interrupted it before it was acknowledged)",
		"index", d.Index, "segment", path, "bytes", bytes)
}

// DamagedRead records a query that skipped a damaged split; the first
// time per split it is logged.
func (d *Log) DamagedRead(splitID string, err error) {
	d.mu.Lock()
	d.reads++
	first := !slices.Contains(d.readSplits, splitID)
	if first {
		d.readSplits = append(d.readSplits, splitID)
	}
	d.mu.Unlock()
	if first {
		d.Logger.Error("a query found a damaged split and read it only up to the damage", "index", d.Index, "split", splitID, "error", err)
	}
}

// QueryNotes returns what a query over [start, end) misses because of
// damage set aside at Open: the quarantined splits it would have read and
// a warning for each loss that may touch the range.
func (d *Log) QueryNotes(start, end int64) (skipped, warnings []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.Reports {
		r := &d.Reports[i]
		if r.EventsLost == 0 || (r.timeKnown() && (r.MaxTime < start || r.MinTime >= end)) {
			continue
		}
		if r.Kind == DamageSplit {
			skipped = append(skipped, strings.TrimPrefix(r.Kept, DirName+"/"))
		}
		warnings = append(warnings, fmt.Sprintf("index %s: %s (see the index's damage report)", d.Index, r.LossText()))
	}
	return skipped, warnings
}

// LossText says in a sentence what a damage report lost.
func (r *Damage) LossText() string {
	lost := "an unknown number of events"
	if r.EventsLost >= 0 {
		lost = fmt.Sprintf("%d events", r.EventsLost)
	}
	what := map[DamageKind]string{
		DamageWALRecord: "a damaged write-ahead log record", DamageWALGap: "a gap in the write-ahead log",
		DamageWALStrayFile: "a stray file in the write-ahead log", DamageSplit: "a damaged split",
		DamageMergeMarker: "a damaged merge marker", DamageCheckpoint: "a damaged checkpoint",
		DamageIndexConfig: "a damaged index config",
	}[r.Kind]
	s := fmt.Sprintf("%s lost to %s at %s", lost, what, r.Path)
	if r.FirstSeq != 0 {
		s += fmt.Sprintf(" (seqs %d-%d)", r.FirstSeq, r.LastSeq)
	}
	if r.Kept != "" {
		s += ", kept in " + r.Kept
	}
	return s
}

// Counts returns what the log holds, for an index's stats: the reports,
// the torn WAL tails cut, and the damaged split reads with their splits.
func (d *Log) Counts() (reports []Damage, torn, reads int64, readSplits []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.Reports), d.torn, d.reads, slices.Clone(d.readSplits)
}
