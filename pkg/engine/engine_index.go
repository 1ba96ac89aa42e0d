package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	wal     *wal
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
	// ids keeps document ids unique (ids.go).
	ids idIndex
}

// commitReq is one Ingest call's batch on its way through the committer.
type commitReq struct {
	body      []byte // the batch's events, WAL-encoded
	events    []Event
	size      int64
	done      chan error
	committed <-chan struct{} // set before done is signalled
	// ids holds each event's document id ("" for none), nil when the batch
	// has none; the committer drops events whose id is already stored and
	// lists their indices in dropped (ids.go).
	ids     []string
	dropped []int
}

func openIndex(e *Engine, cfg IndexConfig) (*indexState, error) {
	m, err := compileMapping(cfg)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", cfg.IndexID, err)
	}
	ix := &indexState{e: e, id: cfg.IndexID, dir: indexDir(e.dir, cfg.IndexID), cfg: cfg,
		reqs: make(chan *commitReq, 64), flushReq: make(chan struct{}, 1), stop: make(chan struct{}), head: newHead()}
	ix.mapper.Store(m)
	ix.initMerger(e.opts)
	splits, flushed, err := openIndexSplits(ix.dir)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", ix.id, err)
	}
	ix.flushedSeq.Store(flushed)
	ix.view = &indexView{head: ix.head, splits: splits}
	now := time.Now()
	walDir := filepath.Join(ix.dir, indexWALDir)
	segs, lastSeq, err := replayWAL(walDir, func(events []Event) {
		i := 0
		for i < len(events) && events[i].Seq <= flushed {
			i++
		}
		if events = events[i:]; len(events) == 0 {
			return
		}
		var size int64
		for j := range events {
			size += eventSize(&events[j])
		}
		e.buffered.Add(size)
		ix.head.add(events, size, now)
	})
	if err == nil {
		ix.wal, err = openWAL(walDir, e.opts.walOpen, e.opts.WALSegmentBytes, segs)
		if err == nil {
			ix.wal.onSync = e.opts.OnWALSync
		}
	}
	if err != nil {
		ix.releaseSplits()
		bytes, _, _ := ix.head.stats(now)
		e.unreserve(bytes)
		return nil, fmt.Errorf("index %q: %w", ix.id, err)
	}
	ix.head.commit()
	ix.ids.addEvents(ix.head.view())
	ix.nextSeq = max(lastSeq, flushed) + 1
	ix.wg.Add(3)
	go ix.runCommitter()
	go ix.runFlusher()
	go ix.runMerger()
	return ix, nil
}

// openIndexSplits opens the index's splits and returns the highest seq
// they hold (or the checkpoint's, if higher): WAL records up to it are
// already in splits and must not be applied twice.
func openIndexSplits(dir string) ([]*splitRef, uint64, error) {
	cp, err := readCheckpoint(dir)
	if err != nil {
		return nil, 0, err
	}
	flushed := cp.FlushedSeq
	splitsDir := filepath.Join(dir, indexSplitsDir)
	if err := os.MkdirAll(splitsDir, 0o755); err != nil {
		return nil, 0, fmt.Errorf("create splits directory: %w", err)
	}
	// Finish merges a crash interrupted before anything is opened, so no
	// event is visible both in a merged split and in one of its inputs.
	if err := dropReplacedSplits(dir, splitsDir); err != nil {
		return nil, 0, err
	}
	entries, err := os.ReadDir(splitsDir)
	if err != nil {
		return nil, 0, fmt.Errorf("list splits: %w", err)
	}
	var refs []*splitRef
	for _, ent := range entries {
		path := filepath.Join(splitsDir, ent.Name())
		if !ent.IsDir() {
			continue
		}
		if strings.HasPrefix(ent.Name(), ".") {
			if err := os.RemoveAll(path); err != nil { // an interrupted split write
				return nil, 0, fmt.Errorf("remove unfinished split %s: %w", path, err)
			}
			continue
		}
		s, err := OpenSplit(path)
		if errors.Is(err, ErrCorruptSplit) {
			// Keep serving the rest; the damaged split is moved aside for
			// inspection and reported by the index's stats.
			if qerr := quarantineSplit(dir, path); qerr != nil {
				err = errors.Join(err, qerr)
			} else {
				continue
			}
		}
		if err != nil {
			for _, r := range refs {
				r.release()
			}
			return nil, 0, err
		}
		flushed = max(flushed, s.Meta.MaxSeq)
		refs = append(refs, newSplitRef(s))
	}
	return refs, flushed, nil
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
		buf = walRecordHead(buf, first, n)
		for _, r := range group {
			buf = append(buf, r.body...)
		}
		sealWALRecord(buf)
		if err := ix.wal.append(buf, first+uint64(n)-1); err != nil {
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
	bytes, rows, age := h.stats(now)
	pressure := ix.e.buffered.Load() > ix.e.opts.MaxBufferBytes/2
	if frozen > 0 || bytes >= ix.e.opts.FlushBytes || (rows > 0 && (age >= ix.e.opts.FlushAge || pressure)) {
		ix.requestFlush()
	}
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

func (ix *indexState) stats() IndexStats {
	ix.viewMu.Lock()
	v := ix.view
	ix.viewMu.Unlock()
	now := time.Now()
	st := IndexStats{Splits: len(v.splits), FlushedSeq: ix.flushedSeq.Load(), CorruptSplits: quarantinedSplits(ix.dir),
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
	ix.walMu.Lock()
	st.LastSeq = ix.nextSeq - 1
	if ix.wal != nil {
		st.WALSegments = len(ix.wal.segs)
	}
	ix.walMu.Unlock()
	return st
}

func (ix *indexState) releaseSplits() {
	for _, r := range ix.view.splits {
		r.release()
	}
}

// close stops the index's goroutines and closes its files. Buffered events
// are durable in the WAL and come back at the next Open.
func (ix *indexState) close() error {
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
	if err := ix.wal.close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("close WAL of index %q: %w", ix.id, err)
	}
	return nil
}
