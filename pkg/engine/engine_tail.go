package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
)

// Tail is a live subscription to an index: every event that a commit makes
// searchable and that matches the tail's query is delivered on C, in commit
// order. A subscriber that falls behind loses batches rather than slowing
// ingest; Dropped counts the events it lost, so a live view can say so.
type Tail struct {
	// C delivers batches of matching events; it is closed by Close and
	// when the engine closes.
	C       <-chan []event.Event
	c       chan []event.Event
	filter  search.Filter
	dropped atomic.Int64
	set     *tailSet
	once    sync.Once
}

// tailSet is an index's live subscribers.
type tailSet struct {
	mu    sync.Mutex
	tails map[*Tail]struct{}
}

// Tail subscribes to index's new events matching queryText (empty: all).
// buffer is the number of undelivered batches kept before dropping.
func (e *Engine) Tail(index, queryText string, buffer int) (*Tail, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return nil, err
	}
	// The query compiles against the index's fields as they are now.
	p, err := e.planQuery(index, queryText, nil, time.Time{}, time.Time{}, time.Time{}, false)
	if err != nil {
		return nil, err
	}
	p.release()
	if buffer <= 0 {
		buffer = 64
	}
	c := make(chan []event.Event, buffer)
	t := &Tail{C: c, c: c, filter: p.Filter, set: &ix.tails}
	ix.tails.mu.Lock()
	if ix.tails.tails == nil {
		ix.tails.tails = map[*Tail]struct{}{}
	}
	ix.tails.tails[t] = struct{}{}
	ix.tails.mu.Unlock()
	return t, nil
}

// Dropped is the number of matching events not delivered because the
// subscriber was behind.
func (t *Tail) Dropped() int64 { return t.dropped.Load() }

// Close ends the subscription and closes C.
func (t *Tail) Close() {
	t.once.Do(func() {
		t.set.mu.Lock()
		delete(t.set.tails, t)
		t.set.mu.Unlock()
		close(t.c)
	})
}

// publish hands a committed batch to every subscriber, without blocking.
func (s *tailSet) publish(batch []event.Event) {
	if len(batch) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tails {
		var matched []event.Event
		for i := range batch {
			if t.filter.MatchEvent(&batch[i]) {
				matched = append(matched, batch[i])
			}
		}
		if len(matched) == 0 {
			continue
		}
		select {
		case t.c <- matched:
		default:
			t.dropped.Add(int64(len(matched)))
		}
	}
}

// closeAll ends every subscription (the index is closing).
func (s *tailSet) closeAll() {
	s.mu.Lock()
	tails := make([]*Tail, 0, len(s.tails))
	for t := range s.tails {
		tails = append(tails, t)
	}
	s.mu.Unlock()
	for _, t := range tails {
		t.Close()
	}
}
