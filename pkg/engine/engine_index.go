package engine

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// indexState is one open index: its mapping, WAL, head and splits, a committer
// goroutine that group-commits ingest batches to the WAL and a flusher
// goroutine that turns full heads into splits.
type indexState struct {
	e   *Engine
	id  string
	dir string

	cfgMu  sync.Mutex
	cfg    IndexConfig
	mapper atomic.Pointer[docMapper]

	reqs     chan *commitReq
	flushReq chan struct{}
	stop     chan struct{}
	wg       sync.WaitGroup
	closeMu  sync.RWMutex // held for reading while sending to reqs
	closed   bool

	// walMu guards the WAL, nextSeq and head: a batch is written and added
	// to the head under it, and a flush freezes the head under it.
	walMu   sync.Mutex
	wal     *wal.Log
	nextSeq uint64
	head    *head

	// viewMu guards view; it is held only to swap or copy pointers.
	viewMu sync.Mutex
	// flushMu serialises flushes of this index.
	flushMu sync.Mutex
	// tails receive events as commits make them searchable.
	tails tailSet
	view  *indexView

	flushedSeq atomic.Uint64

	// merge is the background merger of small splits (engine_merge.go).
	merge mergeState
	// damage records what Open set aside and what queries found damaged.
	damage *quarantine.Log
	// ids keeps document ids unique (ids.go).
	ids idIndex
}

// commitReq is one Ingest call's batch on its way through the committer.
type commitReq struct {
	body      []byte // the batch's events, WAL-encoded
	events    []event.Event
	size      int64
	done      chan error
	committed <-chan struct{} // set before done is signalled
	// ids holds each event's document id ("" for none), nil when the batch
	// has none; the committer drops events whose id is already stored and
	// lists their indices in dropped (ids.go).
	ids     []string
	dropped []int
}

// submit hands a batch to the committer unless the index is closed.
func (ix *indexState) submit(r *commitReq) error {
	ix.closeMu.RLock()
	defer ix.closeMu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	ix.reqs <- r
	return nil
}

// maxGroupBytes bounds one group commit's WAL record.
const maxGroupBytes = 16 << 20

// runCommitter is the group commit loop: it takes every batch waiting,
// writes them as one WAL record, fsyncs once and wakes all their callers.
func (ix *indexState) runCommitter() {
	defer ix.wg.Done()
	var buf []byte
	for {
		var group []*commitReq
		select {
		case r := <-ix.reqs:
			group = append(group, r)
		case <-ix.stop:
			for {
				select {
				case r := <-ix.reqs:
					r.done <- ErrClosed
				default:
					return
				}
			}
		}
		size := len(group[0].body)
	drain:
		for size < maxGroupBytes {
			select {
			case r := <-ix.reqs:
				group = append(group, r)
				size += len(r.body)
			default:
				break drain
			}
		}
		buf = ix.commitGroup(buf[:0], group)
		if cap(buf) > 2*maxGroupBytes {
			buf = nil
		}
	}
}

func (ix *indexState) commitGroup(buf []byte, group []*commitReq) []byte {
	ix.walMu.Lock()
	var claimed []string
	n := 0
	for _, r := range group {
		if r.ids != nil {
			before := r.size
			claimed = ix.ids.claim(r, claimed)
			ix.e.unreserve(before - r.size)
		}
		n += len(r.events)
	}
	first := ix.nextSeq
	if n > 0 {
		buf = wal.RecordHead(buf, first, n)
		for _, r := range group {
			buf = append(buf, r.body...)
		}
		wal.SealRecord(buf)
		if err := ix.wal.Append(buf, first+uint64(n)-1); err != nil {
			ix.ids.release(claimed)
			ix.walMu.Unlock()
			for _, r := range group {
				r.done <- err
			}
			return buf
		}
	}
	ix.nextSeq += uint64(n)
	seq, now := first, time.Now()
	for _, r := range group {
		for i := range r.events {
			r.events[i].Seq = seq
			seq++
		}
		r.committed = ix.head.add(r.events, r.size, now)
	}
	headBytes, _, _ := ix.head.stats(now)
	ix.walMu.Unlock()
	for _, r := range group {
		r.done <- nil
	}
	if headBytes >= ix.e.opts.FlushBytes {
		ix.requestFlush()
	}
	return buf
}

func (ix *indexState) requestFlush() {
	select {
	case ix.flushReq <- struct{}{}:
	default:
	}
}

// commitNow makes every durable event searchable (CommitForce).
func (ix *indexState) commitNow() {
	ix.viewMu.Lock()
	h := ix.view.head
	ix.viewMu.Unlock()
	ix.tails.publish(h.commit())
}

// commitAndMaybeFlush runs at each commit tick.
func (ix *indexState) commitAndMaybeFlush(now time.Time) {
	ix.viewMu.Lock()
	h, frozen := ix.view.head, len(ix.view.frozen)
	ix.viewMu.Unlock()
	ix.tails.publish(h.commit())
	_, rows, age := h.stats(now)
	if frozen > 0 || ix.flushDue(h, now) || (rows > 0 && age >= ix.e.opts.FlushAge) || ix.headIdle(h, now) {
		ix.requestFlush()
	}
}

// flushDue reports a head big enough to flush, or an ingest buffer under
// pressure with a head holding anything.
func (ix *indexState) flushDue(h *head, now time.Time) bool {
	bytes, rows, _ := h.stats(now)
	return bytes >= ix.e.opts.FlushBytes || (rows > 0 && ix.e.underPressure())
}

// config returns a deep copy: callers may modify it freely.
func (ix *indexState) config() IndexConfig {
	ix.cfgMu.Lock()
	defer ix.cfgMu.Unlock()
	c := ix.cfg
	c.DocMapping.FieldMappings = slices.Clone(c.DocMapping.FieldMappings)
	for i := range c.DocMapping.FieldMappings {
		fm := &c.DocMapping.FieldMappings[i]
		fm.InputFormats = slices.Clone(fm.InputFormats)
		if fm.Indexed != nil {
			fm.Indexed = new(*fm.Indexed)
		}
		if fm.Stored != nil {
			fm.Stored = new(*fm.Stored)
		}
	}
	c.SearchSettings.DefaultSearchFields = slices.Clone(c.SearchSettings.DefaultSearchFields)
	c.DocMapping.TimestampAliases = slices.Clone(c.DocMapping.TimestampAliases)
	if c.Retention != nil {
		r := *c.Retention
		c.Retention = &r
	}
	return c
}

func (ix *indexState) updateRetention(period string) error {
	ix.cfgMu.Lock()
	defer ix.cfgMu.Unlock()
	cfg := ix.cfg
	if period == "" {
		cfg.Retention = nil
	} else {
		r := RetentionPolicy{Period: period}
		if ix.cfg.Retention != nil {
			r.Schedule = ix.cfg.Retention.Schedule
		}
		cfg.Retention = &r
	}
	m, err := compileMapping(cfg)
	if err != nil {
		return err
	}
	if err := writeIndexConfig(ix.dir, cfg); err != nil {
		return fmt.Errorf("update retention of index %q: %w", ix.id, err)
	}
	ix.cfg = cfg
	ix.mapper.Store(m)
	return nil
}

func (ix *indexState) releaseSplits() {
	for _, r := range ix.view.splits {
		r.release()
	}
}

// Close stops the index's goroutines and closes its files. Buffered events
// are durable in the WAL and come back at the next Open.
func (ix *indexState) Close() error {
	ix.closeMu.Lock()
	if ix.closed {
		ix.closeMu.Unlock()
		return nil
	}
	ix.closed = true
	ix.closeMu.Unlock()
	close(ix.stop)
	ix.wg.Wait()
	ix.tails.closeAll()
	ix.viewMu.Lock()
	v := ix.view
	ix.view = &indexView{head: newHead()}
	ix.viewMu.Unlock()
	now := time.Now()
	for _, h := range append([]*head{v.head}, v.frozen...) {
		h.commit() // wakes CommitWaitFor callers
		bytes, _, _ := h.stats(now)
		ix.e.unreserve(bytes)
	}
	for _, r := range v.splits {
		r.release()
	}
	ix.walMu.Lock()
	defer ix.walMu.Unlock()
	if err := ix.wal.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("close WAL of index %q: %w", ix.id, err)
	}
	return nil
}
