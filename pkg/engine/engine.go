package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine/priority"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// Options tunes an Engine; zero values take the defaults.
type Options struct {
	// CommitTimeout bounds how long an ingested event waits before it is
	// searchable (default 1 s).
	CommitTimeout time.Duration
	// MaxBufferBytes bounds the memory of events not yet in splits, across
	// indexes (default 64 MiB); beyond it Ingest waits for a flush under
	// way, and batches waiting may hold as much again
	// (engine_admission.go), before it returns ErrOverloaded.
	MaxBufferBytes int64
	// AdmissionWait is the longest Ingest waits for buffer room while a
	// flush is under way (default 10 s, see engine_admission.go); negative
	// refuses at once, which a client then retries as a 429.
	AdmissionWait time.Duration
	// FlushBytes and FlushAge trigger writing an index's head to a split
	// (defaults 32 MiB and 5 minutes).
	FlushBytes int64
	FlushAge   time.Duration
	// WALSegmentBytes is the size at which a WAL segment is closed and the
	// next one started (default 64 MiB).
	WALSegmentBytes int64
	// OnWALSync, when set, receives the duration of every WAL fsync (one
	// per commit group), for metrics.
	OnWALSync func(time.Duration)
	// MergeFactor is how many small splits of one size class a background
	// merge combines (default 10); MergeMaxRows caps a merged split's rows
	// and marks a split that big as final (default 1,000,000). See
	// merge_policy.go.
	MergeFactor  int
	MergeMaxRows int
	// Limits bound each search and aggregation (see QueryLimits).
	Limits QueryLimits
	// MatchCacheBytes bounds the cache of which rows of a split block a
	// recent filter matched, shared by all queries (default 16 MiB, about
	// 13,000 blocks: a 10M-event day of a dashboard's ten queries;
	// negative turns it off). See search.MatchCache.
	MatchCacheBytes int64
	// OnBlockScanned, when set, is called for every split block a query
	// reads, for metrics: the work queries do, which stops when one is
	// cancelled or runs out of time.
	OnBlockScanned func()
	// OnPartialResult, when set, is called for every query answered
	// without some damaged splits (they are named in its result too), for
	// metrics: a partial answer is never silent.
	OnPartialResult func(index string, skippedSplits []string)
	// Logger receives what Open and queries find damaged (default
	// slog.Default()).
	Logger *slog.Logger

	// walOpen replaces the WAL's file creation in fault-injection tests.
	walOpen wal.OpenFunc
}

func (o Options) withDefaults() Options {
	if o.CommitTimeout <= 0 {
		o.CommitTimeout = time.Second
	}
	if o.MaxBufferBytes <= 0 {
		o.MaxBufferBytes = 64 << 20
	}
	if o.AdmissionWait == 0 {
		o.AdmissionWait = defaultAdmissionWait
	}
	if o.FlushBytes <= 0 {
		o.FlushBytes = 32 << 20
	}
	if o.FlushAge <= 0 {
		o.FlushAge = 5 * time.Minute
	}
	if o.WALSegmentBytes <= 0 {
		o.WALSegmentBytes = 64 << 20
	}
	if o.MatchCacheBytes == 0 {
		o.MatchCacheBytes = 16 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.walOpen == nil {
		o.walOpen = wal.CreateFile
	}
	return o
}

// Engine is a log store: indexes, each with a write-ahead log, an
// in-memory head and immutable splits. All methods are safe for
// concurrent use.
type Engine struct {
	dir  string
	opts Options
	// lock is the store's file lock, held until Close.
	lock *storeLock

	mu      sync.RWMutex
	indexes map[string]*indexState
	// unavailable holds the indexes that could not be opened, with why.
	unavailable map[string]error
	closed      bool
	createMu    sync.Mutex // serializes CreateIndex and DeleteIndex

	// buffered is the estimated memory of events not yet in splits.
	buffered atomic.Int64
	// waiting is the memory of batches waiting for buffer room, and
	// frozenHeads counts heads being flushed (engine_admission.go).
	waiting     atomic.Int64
	frozenHeads atomic.Int64
	// gate gives searches the CPU before flushes and merges.
	gate   *priority.Gate
	pauses backgroundPauses
	// matches caches the rows recent filters matched per split block.
	matches *search.MatchCache

	stop chan struct{}
	wg   sync.WaitGroup
}

// Open opens (creating if needed) a store in dir; the default index `logs`
// exists after Open. The write-ahead logs are replayed, so every
// acknowledged event is searchable again.
func Open(dir string, opts Options) (*Engine, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	lock, err := lockStore(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	e, err := openLocked(dir, opts)
	if err != nil {
		return nil, errors.Join(err, unlockStore(lock))
	}
	e.lock = lock
	return e, nil
}

func openLocked(dir string, opts Options) (*Engine, error) {
	e := &Engine{dir: dir, opts: opts.withDefaults(), indexes: map[string]*indexState{}, unavailable: map[string]error{}, stop: make(chan struct{}), gate: priority.New(), pauses: defaultPauses}
	e.matches = search.NewMatchCache(e.opts.MatchCacheBytes)
	entries, err := loadCatalog(dir, e.opts.Logger)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	hasDefault := false
	for i, ce := range entries {
		hasDefault = hasDefault || ce.id == DefaultIndexID
		entries[i].cfg = upgradeStoredConfig(ce.cfg)
	}
	if !hasDefault {
		if err := createIndexDir(dir, DefaultIndexConfig()); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
		entries = append(entries, catalogEntry{id: DefaultIndexID, cfg: DefaultIndexConfig()})
	}
	// One index that cannot open never keeps the others from serving: it
	// is listed as unavailable, with why, and its files stay as they are.
	for _, ce := range entries {
		if ce.err == nil {
			ix, err := openIndex(e, ce.cfg)
			if err == nil {
				e.indexes[ce.id] = ix
				continue
			}
			ce.err = fmt.Errorf("%w: %w", ErrIndexUnavailable, err)
		}
		e.unavailable[ce.id] = ce.err
		e.opts.Logger.Error("an index could not be opened; the other indexes are served", "index", ce.id, "error", ce.err)
	}
	e.wg.Add(1)
	go e.runCommitTicker()
	return e, nil
}

// Close stops background work, commits what is buffered (it is already
// durable in the WAL) and closes files. Ingest calls after Close fail.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	close(e.stop)
	e.wg.Wait()
	return errors.Join(e.closeIndexes(), unlockStore(e.lock))
}

func (e *Engine) closeIndexes() error {
	var errs []error
	for _, ix := range e.indexes {
		errs = append(errs, ix.Close())
	}
	return errors.Join(errs...)
}

// CommitTimeout is how long an ingested event may wait before it is
// searchable (unless its batch forced a commit): Quickwit clients read it
// from an index's indexing_settings to know how far a live tail must lag.
func (e *Engine) CommitTimeout() time.Duration { return e.opts.CommitTimeout }

// runCommitTicker makes buffered events searchable every CommitTimeout,
// starts flushes of heads that are too big or too old, drops splits past
// their index's retention period and wakes the merger of small splits.
func (e *Engine) runCommitTicker() {
	defer e.wg.Done()
	t := time.NewTicker(e.opts.CommitTimeout)
	defer t.Stop()
	var lastRetention time.Time
	for {
		select {
		case <-e.stop:
			return
		case now := <-t.C:
			retention := now.Sub(lastRetention) >= retentionInterval
			if retention {
				lastRetention = now
			}
			e.mu.RLock()
			for _, ix := range e.indexes {
				ix.commitAndMaybeFlush(now)
				if retention {
					ix.expireSplits(now)
				}
				ix.requestMerge()
			}
			e.mu.RUnlock()
		}
	}
}

func (e *Engine) lookup(id string) (*indexState, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	ix, ok := e.indexes[id]
	if !ok {
		if err := e.unavailable[id]; err != nil {
			return nil, fmt.Errorf("index %q: %w", id, err)
		}
		return nil, fmt.Errorf("index %q: %w", id, ErrIndexNotFound)
	}
	return ix, nil
}

// reserve accounts size bytes of buffered events, or reports overload. A
// batch larger than the whole budget is admitted when nothing else is
// buffered, so it is not refused forever.
func (e *Engine) reserve(size int64) bool {
	for {
		cur := e.buffered.Load()
		if cur > 0 && cur+size > e.opts.MaxBufferBytes {
			return false
		}
		if e.buffered.CompareAndSwap(cur, cur+size) {
			return true
		}
	}
}

func (e *Engine) unreserve(size int64) { e.buffered.Add(-size) }

// Snapshot returns a reference-counted view of an index for a query; the
// caller must Release it.
func (e *Engine) Snapshot(id string) (*Snapshot, error) {
	ix, err := e.lookup(id)
	if err != nil {
		return nil, err
	}
	ix.viewMu.Lock()
	defer ix.viewMu.Unlock()
	return ix.view.snapshot(), nil
}

// CreateIndex validates cfg and adds the index.
func (e *Engine) CreateIndex(cfg IndexConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	// Creations are serialized by createMu; the files are laid out without
	// holding mu, so ingest and queries on other indexes never wait on them.
	e.createMu.Lock()
	defer e.createMu.Unlock()
	e.mu.RLock()
	_, exists := e.indexes[cfg.IndexID]
	closed := e.closed
	e.mu.RUnlock()
	switch {
	case closed:
		return ErrClosed
	case exists:
		return fmt.Errorf("create index %q: %w", cfg.IndexID, ErrIndexExists)
	}
	if err := createIndexDir(e.dir, cfg); err != nil {
		return err
	}
	ix, err := openIndex(e, cfg)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		ix.Close()
		return ErrClosed
	}
	e.indexes[cfg.IndexID] = ix
	return nil
}

// DescribeIndex returns an index's config and current stats. An index that
// could not be opened is described too: its stats say why (Unavailable)
// and list the damage its quarantine reports.
func (e *Engine) DescribeIndex(id string) (IndexConfig, IndexStats, error) {
	ix, err := e.lookup(id)
	if errors.Is(err, ErrIndexUnavailable) {
		return IndexConfig{IndexID: id}, unavailableStats(indexDir(e.dir, id), id, err, e.opts.Logger), nil
	}
	if err != nil {
		return IndexConfig{}, IndexStats{}, err
	}
	return ix.config(), ix.stats(), nil
}

// ListIndexes returns the index ids in sorted order.
func (e *Engine) ListIndexes() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ids := make([]string, 0, len(e.indexes)+len(e.unavailable))
	for id := range e.indexes {
		ids = append(ids, id)
	}
	for id := range e.unavailable {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// UpdateRetention changes how long an index keeps events; an empty period
// keeps them forever.
func (e *Engine) UpdateRetention(id, period string) error {
	ix, err := e.lookup(id)
	if err != nil {
		return err
	}
	return ix.updateRetention(period)
}

// DeleteIndex removes an index and all its data. Snapshots taken before
// keep their open splits readable until released. An unavailable index
// can be deleted too.
func (e *Engine) DeleteIndex(id string) error {
	e.createMu.Lock()
	defer e.createMu.Unlock()
	e.mu.Lock()
	ix, ok := e.indexes[id]
	if e.closed {
		e.mu.Unlock()
		return ErrClosed
	}
	if _, broken := e.unavailable[id]; broken {
		delete(e.unavailable, id)
		e.mu.Unlock()
		return deleteIndexDir(e.dir, id)
	}
	if !ok {
		e.mu.Unlock()
		return fmt.Errorf("index %q: %w", id, ErrIndexNotFound)
	}
	delete(e.indexes, id)
	e.mu.Unlock()
	cerr := ix.Close()
	if err := deleteIndexDir(e.dir, id); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("delete index %q: %w", id, cerr)
	}
	return nil
}
