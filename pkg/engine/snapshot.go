package engine

import (
	"os"
	"sync"
	"sync/atomic"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// splitRef counts the users of an open split: the index's split list holds
// one reference and each snapshot one more. The split is closed when the
// list has dropped it (merge, retention, delete) and the last snapshot is
// released, so a query never loses a split it is reading.
type splitRef struct {
	split *split.Split
	refs  atomic.Int32
	// written is when the newest flush among the split's events was written
	// (Unix ns; 0 for splits found at Open): the merge policy leaves a
	// day's leftovers alone while flushes still land in it.
	written int64
	// removeFiles is set when the split was dropped for good (retention):
	// its directory goes with the last reference.
	removeFiles atomic.Bool
}

func newSplitRef(s *split.Split) *splitRef {
	r := &splitRef{split: s}
	r.refs.Store(1)
	return r
}

func (r *splitRef) acquire() { r.refs.Add(1) }

func (r *splitRef) release() {
	if r.refs.Add(-1) == 0 {
		r.split.Close()
		if r.removeFiles.Load() {
			// A failure leaves the directory for the next Open, whose
			// retention pass drops it again.
			_ = os.RemoveAll(r.split.Path())
		}
	}
}

// indexView is what a reader sees of an index at one instant. Views are
// replaced, never modified.
type indexView struct {
	head   *head
	frozen []*head // heads being flushed, oldest first; still searchable
	splits []*splitRef
}

// Snapshot is a consistent, reference-counted view of one index: the
// searchable head events at the moment it was taken and the open splits.
// Taking one waits for neither ingest nor flushes; holding one delays only
// the closing of splits that were dropped meanwhile.
type Snapshot struct {
	events   []event.Event
	splits   []*splitRef
	released sync.Once
}

// Events returns the searchable head events (not yet in a split) in
// (Timestamp, Seq) order. The slice is shared: do not modify it.
func (s *Snapshot) Events() []event.Event { return s.events }

// Splits returns the open splits of the snapshot; they stay open until Release.
func (s *Snapshot) Splits() []*split.Split {
	out := make([]*split.Split, len(s.splits))
	for i, r := range s.splits {
		out[i] = r.split
	}
	return out
}

// Release gives the snapshot's splits back; calling it twice is harmless.
func (s *Snapshot) Release() {
	s.released.Do(func() {
		for _, r := range s.splits {
			r.release()
		}
	})
}

// snapshot builds a Snapshot of a view; the caller holds the index's view
// lock so no split of the view can be closed meanwhile.
func (v *indexView) snapshot() *Snapshot {
	s := &Snapshot{splits: append([]*splitRef(nil), v.splits...)}
	for _, r := range s.splits {
		r.acquire()
	}
	s.events = v.head.view()
	for _, f := range v.frozen {
		if fv := f.view(); len(fv) > 0 {
			s.events = mergeSortedCopy(fv, s.events)
		}
	}
	return s
}
