package engine

import (
	"log/slog"
	"time"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// IndexStats describes an index's current contents. The JSON names are
// what the index API and health checks show.
type IndexStats struct {
	// Events counts the events in the head and in splits.
	Events      int64  `json:"num_events"`
	HeadEvents  int    `json:"head_events"`
	HeadBytes   int64  `json:"head_bytes"`
	Splits      int    `json:"num_splits"`
	SplitBytes  int64  `json:"split_bytes"`
	MinTime     int64  `json:"min_time_ns"` // Unix ns over splits and head; 0 when empty
	MaxTime     int64  `json:"max_time_ns"`
	LastSeq     uint64 `json:"last_seq"`
	FlushedSeq  uint64 `json:"flushed_seq"`
	WALSegments int    `json:"wal_segments"`
	// Merges counts the background merges committed since Open, and
	// MergeFailures those that failed (retried a minute later),
	// LastMergeError why the latest one failed.
	Merges         int64  `json:"merges"`
	MergeFailures  int64  `json:"merge_failures"`
	LastMergeError string `json:"last_merge_error,omitempty"`
	// CorruptSplits lists the splits in the index's quarantine directory:
	// set aside at Open because they failed their checksums or miss files.
	CorruptSplits []string `json:"corrupt_splits,omitempty"`

	// Damage lists what Open found damaged and set aside, with what was
	// lost (docs/operations-faults.md); a report stays until an operator
	// removes it from the quarantine directory.
	Damage []quarantine.Damage `json:"damage,omitempty"`
	// The damage counters below are for health and /metrics.
	// EventsLost sums the acknowledged events Damage lost; UncountedLosses
	// counts the reports whose loss could not be counted.
	EventsLost      int64 `json:"events_lost"`
	UncountedLosses int   `json:"uncounted_losses"`
	// WALRecordsQuarantined counts damaged WAL byte ranges moved aside,
	// WALSeqGaps the gaps in the WAL's seqs (a deleted or cut segment) and
	// SplitsQuarantined the splits set aside.
	WALRecordsQuarantined int `json:"wal_records_quarantined"`
	WALSeqGaps            int `json:"wal_seq_gaps"`
	SplitsQuarantined     int `json:"splits_quarantined"`
	// WALTornWrites counts unfinished writes cut from the WAL's end at Open:
	// crash leftovers that were never acknowledged, so nothing was lost.
	WALTornWrites int64 `json:"wal_torn_writes"`
	// DamagedReads counts, since Open, the queries that met a damaged split
	// (once per query and split), and DamagedSplits names those splits.
	DamagedReads  int64    `json:"damaged_reads"`
	DamagedSplits []string `json:"damaged_splits,omitempty"`
	// Unavailable says why the index could not be opened; its data is
	// untouched and every call on it fails with ErrIndexUnavailable.
	Unavailable string `json:"unavailable,omitempty"`
}

func (ix *indexState) stats() IndexStats {
	ix.viewMu.Lock()
	v := ix.view
	ix.viewMu.Unlock()
	now := time.Now()
	st := IndexStats{Splits: len(v.splits), FlushedSeq: ix.flushedSeq.Load(), CorruptSplits: split.Quarantined(ix.dir),
		Merges: ix.merge.merges.Load(), MergeFailures: ix.merge.failures.Load(), LastMergeError: ix.lastMergeError()}
	first := true
	span := func(lo, hi int64) {
		if first || lo < st.MinTime {
			st.MinTime = lo
		}
		if first || hi > st.MaxTime {
			st.MaxTime = hi
		}
		first = false
	}
	for _, r := range v.splits {
		st.Events += int64(r.split.Meta.Rows)
		st.SplitBytes += r.split.Meta.SizeBytes
		span(r.split.Meta.MinTime, r.split.Meta.MaxTime)
	}
	for _, h := range append([]*head{v.head}, v.frozen...) {
		bytes, rows, _ := h.stats(now)
		st.HeadBytes += bytes
		st.HeadEvents += rows
		if sorted := h.view(); len(sorted) > 0 {
			span(sorted[0].Timestamp, sorted[len(sorted)-1].Timestamp)
		}
	}
	st.Events += int64(st.HeadEvents)
	fillDamage(ix.damage, &st)
	ix.walMu.Lock()
	st.LastSeq = ix.nextSeq - 1
	if ix.wal != nil {
		st.WALSegments = len(ix.wal.Segs)
	}
	ix.walMu.Unlock()
	return st
}

// unavailableStats describes an index that could not be opened: why, and
// what its quarantine reports.
func unavailableStats(dir, id string, cause error, logger *slog.Logger) IndexStats {
	st := IndexStats{Unavailable: cause.Error(), CorruptSplits: split.Quarantined(dir)}
	reports, err := split.LoadDamage(dir)
	if err != nil {
		st.Unavailable += "; " + err.Error()
	}
	fillDamage(quarantine.NewLog(id, logger, reports), &st)
	return st
}
