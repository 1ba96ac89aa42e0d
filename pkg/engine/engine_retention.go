package engine

import (
	"slices"
	"time"
)

// retentionInterval is how often expired splits are looked for; Quickwit's
// default schedule is hourly, a minute keeps disk usage closer to the period.
const retentionInterval = time.Minute

// applyRetention drops the splits whose newest event is older than the
// index's retention period, as Quickwit does. Snapshots holding a dropped
// split keep reading it; its files are removed with the last reference.
func (ix *indexState) applyRetention(now time.Time) int {
	period := ix.mapper.Load().retention
	if period <= 0 {
		return 0
	}
	cutoff := now.Add(-period).UnixNano()
	ix.viewMu.Lock()
	v := ix.view
	var keep, drop []*splitRef
	for _, r := range v.splits {
		if r.split.Meta.MaxTime < cutoff {
			drop = append(drop, r)
		} else {
			keep = append(keep, r)
		}
	}
	if len(drop) > 0 {
		ix.view = &indexView{head: v.head, frozen: v.frozen, splits: slices.Clip(keep)}
	}
	ix.viewMu.Unlock()
	for _, r := range drop {
		r.removeFiles.Store(true)
		r.release()
	}
	return len(drop)
}
