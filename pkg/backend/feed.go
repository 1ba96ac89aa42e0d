package backend

import (
	"sync"
	"sync/atomic"

	"github.com/triage-logs/triage/pkg/engine"
)

// Feed is a Tail fed by one producer goroutine (a remote adapter's reader
// or poller): Send hands over a batch without ever blocking the producer,
// counting it dropped when the subscriber is behind, and Finish ends the
// tail. Close asks the producer to stop through the cancel function.
type Feed struct {
	c       chan []engine.Event
	dropped atomic.Int64
	cancel  func()
	mu      sync.Mutex
	err     error
	once    sync.Once
}

var _ Tail = (*Feed)(nil)

// NewFeed makes a feed keeping buffer undelivered batches (default 64);
// cancel stops the producer, which must then call Finish.
func NewFeed(buffer int, cancel func()) *Feed {
	if buffer <= 0 {
		buffer = 64
	}
	return &Feed{c: make(chan []engine.Event, buffer), cancel: cancel}
}

// Send delivers batch, or counts its events dropped when the buffer is full.
func (f *Feed) Send(batch []engine.Event) {
	if len(batch) == 0 {
		return
	}
	select {
	case f.c <- batch:
	default:
		f.dropped.Add(int64(len(batch)))
	}
}

// Finish ends the tail with err (nil for a requested stop); producer only.
func (f *Feed) Finish(err error) {
	f.once.Do(func() {
		f.mu.Lock()
		f.err = err
		f.mu.Unlock()
		close(f.c)
	})
}

// Events delivers the batches; it is closed by Finish.
func (f *Feed) Events() <-chan []engine.Event { return f.c }

// Dropped counts events not delivered because the subscriber was behind.
func (f *Feed) Dropped() int64 { return f.dropped.Load() }

// Err says why the tail ended, once Events is closed.
func (f *Feed) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Close asks the producer to stop.
func (f *Feed) Close() { f.cancel() }
