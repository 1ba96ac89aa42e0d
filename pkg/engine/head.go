package engine

import (
	"slices"
	"sync"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// head is an index's in-memory buffer of durable events not yet in a split.
// Events are appended in seq order once their WAL record is fsynced and
// become searchable at the next commit, which publishes a sorted view.
// Published views are never modified, so readers take them without locks
// held across their work.
type head struct {
	mu      sync.Mutex
	pending []event.Event // durable, not yet committed
	sorted  []event.Event // committed, in (Timestamp, Seq) order; shared with readers
	bytes   int64
	maxSeq  uint64
	first   time.Time // when the oldest event arrived, for age-based flushes
	last    time.Time // when the newest event arrived, for idle flushes
	// committed is closed and replaced at each commit so CommitWaitFor callers
	// can wait for the one that covers their batch.
	committed chan struct{}
}

func newHead() *head {
	return &head{committed: make(chan struct{})}
}

// add appends durable events and returns the channel closed by the commit
// that makes them searchable.
func (h *head) add(events []event.Event, size int64, now time.Time) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) == 0 && len(h.sorted) == 0 {
		h.first = now
	}
	h.pending = append(h.pending, events...)
	h.bytes += size
	h.last = now
	if n := len(events); n > 0 {
		h.maxSeq = events[n-1].Seq
	}
	return h.committed
}

// commit makes every added event searchable and returns them, in seq
// order, for live tails; the caller must not modify the slice.
func (h *head) commit() []event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) == 0 {
		return nil
	}
	batch := h.pending
	h.sorted = mergeSortedEvents(h.sorted, h.pending)
	h.pending = nil
	close(h.committed)
	h.committed = make(chan struct{})
	return batch
}

// view returns the committed events in order; the slice is never modified.
func (h *head) view() []event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sorted
}

// stats returns the head's size, event count and age.
func (h *head) stats(now time.Time) (bytes int64, rows int, age time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rows = len(h.sorted) + len(h.pending)
	if rows > 0 {
		age = now.Sub(h.first)
	}
	return h.bytes, rows, age
}

// mergeSortedEvents returns old plus batch in (Timestamp, Seq) order. old
// is shared with readers, so it is only ever extended past its length (when
// the batch sorts after it, the usual case for logs) or copied.
func mergeSortedEvents(old, batch []event.Event) []event.Event {
	if len(batch) == 0 {
		return old
	}
	add := slices.Clone(batch)
	slices.SortFunc(add, compareEvents)
	if len(old) == 0 || !add[0].Before(&old[len(old)-1]) {
		return append(old, add...)
	}
	return mergeSortedCopy(old, add)
}

// mergeSortedCopy merges two sorted runs into a new slice.
func mergeSortedCopy(a, b []event.Event) []event.Event {
	out := make([]event.Event, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if b[j].Before(&a[i]) {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func compareEvents(a, b event.Event) int {
	switch {
	case a.Before(&b):
		return -1
	case b.Before(&a):
		return 1
	}
	return 0
}

// idleFor is how long no event has arrived, zero for an empty head.
func (h *head) idleFor(now time.Time) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) == 0 && len(h.sorted) == 0 {
		return 0
	}
	return now.Sub(h.last)
}
