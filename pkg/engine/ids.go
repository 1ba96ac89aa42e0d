package engine

import (
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// maxIDBytes is Elasticsearch's limit on _id.
const maxIDBytes = 512

// idIndex keeps document ids unique within an index, so that retries are
// idempotent whatever shippers do: resend a whole chunk seconds later
// (Fluent Bit), retry minutes later (rsyslog, go-elasticsearch), or after
// a restart. Ids of events not yet in a split are held exactly in pending
// (rebuilt from the WAL at Open, bounded by the ingest buffer); ids in
// splits are found through each split's id filter and settled on the
// split's id column (ids_filter.go).
//
// The check is race-free in two steps. An Ingest call checks the splits
// while holding swap for reading, until its batch is committed; a flush
// takes swap for writing to swap a head for its split and drop the head's
// ids from pending, so every id is either in a split the call checked or
// in pending. The committer then claims the call's remaining ids in pending,
// one group at a time, which settles concurrent calls and duplicates
// inside a batch alike.
type idIndex struct {
	swap    sync.RWMutex
	mu      sync.Mutex
	pending map[string]struct{}
	// afterSplitCheck, in tests, runs between an ingest call's check of the
	// splits and its commit: the window a flush must not slip into.
	afterSplitCheck func()
}

// addEvents records the ids of events (WAL replay).
func (x *idIndex) addEvents(events []event.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range events {
		if v, ok := events[i].Get(split.IDField); ok && v.Kind == event.KindString {
			if x.pending == nil {
				x.pending = map[string]struct{}{}
			}
			x.pending[v.Str] = struct{}{}
		}
	}
}

// removeEvents forgets the ids of events now visible in a split; the
// caller holds swap for writing.
func (x *idIndex) removeEvents(events []event.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.pending) == 0 {
		return
	}
	for i := range events {
		if v, ok := events[i].Get(split.IDField); ok && v.Kind == event.KindString {
			delete(x.pending, v.Str)
		}
	}
	if len(x.pending) == 0 {
		x.pending = nil // let a drained map's buckets go
	}
}

// claim is run by the committer for each request with ids, in commit
// order: events whose id is pending are dropped from r (their indices go
// to r.dropped) and the others' ids become pending. It returns claimed
// extended with the ids it added, to release if the WAL write fails.
func (x *idIndex) claim(r *commitReq, claimed []string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	var keep []event.Event // nil until an event is dropped
	for i := range r.events {
		id := r.ids[i]
		if id != "" {
			if _, dup := x.pending[id]; dup {
				if keep == nil {
					keep = append(make([]event.Event, 0, len(r.events)), r.events[:i]...)
				}
				r.dropped = append(r.dropped, i)
				continue
			}
			if x.pending == nil {
				x.pending = map[string]struct{}{}
			}
			x.pending[id] = struct{}{}
			claimed = append(claimed, id)
		}
		if keep != nil {
			keep = append(keep, r.events[i])
		}
	}
	if keep != nil {
		r.events = keep
		r.body, r.size = r.body[:0], 0
		for i := range r.events {
			r.body = wal.AppendEvent(r.body, &r.events[i])
			r.size += event.MemSize(&r.events[i])
		}
	}
	return claimed
}

// release forgets ids claimed by a group whose WAL write failed.
func (x *idIndex) release(ids []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		delete(x.pending, id)
	}
}

// idsInSplits reports which of ids ("" for none) some split of the index
// already holds. The caller holds ix.ids.swap for reading.
func (ix *indexState) idsInSplits(ids []string) ([]bool, error) {
	refs := ix.acquireSplits()
	defer releaseSplitRefs(refs)
	found := make([]bool, len(ids))
	var hashes []uint64
	var cands []int
	for _, r := range refs {
		s := r.split
		if s.Meta.IDs == 0 {
			continue
		}
		if hashes == nil {
			hashes = make([]uint64, len(ids))
			for i, id := range ids {
				hashes[i] = split.IDHash(id)
			}
		}
		f, err := s.IDFilter()
		if err != nil {
			return nil, err
		}
		cands = cands[:0]
		for i, id := range ids {
			if id != "" && !found[i] && f.MayContain(hashes[i]) {
				cands = append(cands, i)
			}
		}
		if len(cands) > 0 {
			if err := markHeldIDs(s, ids, cands, found); err != nil {
				return nil, fmt.Errorf("check document ids against split %s: %w", s.Meta.ID, err)
			}
		}
	}
	return found, nil
}

// markHeldIDs settles the filter's candidates on the id column: the term
// index narrows each id to its blocks, and each block's column is read once.
func markHeldIDs(s *split.Split, ids []string, cands []int, found []bool) error {
	want := make(map[string]int, len(cands))
	blocks := roaring.New()
	for _, i := range cands {
		want[ids[i]] = i
		g, err := s.LookupTerm(split.IDField, ids[i])
		if err != nil {
			return err
		}
		blocks.Or(s.GranuleBlocks(g))
	}
	var col column.Column
	it := blocks.Iterator()
	for it.HasNext() {
		b := int(it.Next())
		if _, ok := s.Meta.Blocks[b].Columns[split.IDField]; !ok {
			continue
		}
		if err := s.ReadColumn(b, split.IDField, &col); err != nil {
			return err
		}
		for row := 0; row < s.Meta.Blocks[b].Rows; row++ {
			if v, ok := col.Value(row); ok && v.Kind == event.KindString {
				if i, ok := want[v.Str]; ok {
					found[i] = true
				}
			}
		}
	}
	return nil
}

// acquireSplits returns the index's current splits, each acquired for the
// caller, who releases them with releaseSplitRefs.
func (ix *indexState) acquireSplits() []*splitRef {
	ix.viewMu.Lock()
	defer ix.viewMu.Unlock()
	refs := append([]*splitRef(nil), ix.view.splits...)
	for _, r := range refs {
		r.acquire()
	}
	return refs
}

func releaseSplitRefs(refs []*splitRef) {
	for _, r := range refs {
		r.release()
	}
}
