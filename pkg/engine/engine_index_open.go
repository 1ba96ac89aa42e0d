package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/merge"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// openIndex opens an index's splits and replays its WAL. Damage found on
// the way is set aside in the index's quarantine and reported
// (damage.go); only what cannot be read at all (a directory without
// permissions, a failing disk) fails the index, and then only this index.
func openIndex(e *Engine, cfg IndexConfig) (*indexState, error) {
	m, err := compileMapping(cfg)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", cfg.IndexID, err)
	}
	ix := &indexState{e: e, id: cfg.IndexID, dir: indexDir(e.dir, cfg.IndexID), cfg: cfg,
		reqs: make(chan *commitReq, 64), flushReq: make(chan struct{}, 1), stop: make(chan struct{}), head: newHead()}
	ix.mapper.Store(m)
	ix.initMerger(e.opts)
	reports, err := split.LoadDamage(ix.dir)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", ix.id, err)
	}
	ix.damage = quarantine.NewLog(ix.id, e.opts.Logger, reports)
	q := quarantine.Dir{IndexDir: ix.dir, Log: ix.damage}
	cp, cpKnown, err := loadCheckpoint(q)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", ix.id, err)
	}
	splits, flushed, err := openIndexSplits(q, cp.FlushedSeq)
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", ix.id, err)
	}
	ix.flushedSeq.Store(flushed)
	ix.view = &indexView{head: ix.head, splits: splits}
	now := time.Now()
	walDir := filepath.Join(ix.dir, indexWALDir)
	replayed, err := wal.Replay(walDir, wal.ReplayEnv{Flushed: flushed, FlushedKnown: cpKnown, Q: q}, func(events []event.Event) {
		i := 0
		for i < len(events) && events[i].Seq <= flushed {
			i++
		}
		if events = events[i:]; len(events) == 0 {
			return
		}
		var size int64
		for j := range events {
			size += event.MemSize(&events[j])
		}
		e.buffered.Add(size)
		ix.head.add(events, size, now)
	})
	if err == nil && !cpKnown {
		err = rebuildCheckpoint(ix, flushed, replayed.FirstSeq)
	}
	if err == nil {
		ix.wal, err = wal.Open(walDir, e.opts.walOpen, e.opts.WALSegmentBytes, replayed.Segs)
		if err == nil {
			ix.wal.OnSync = e.opts.OnWALSync
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
	ix.nextSeq = max(replayed.LastSeq, flushed) + 1
	ix.wg.Add(3)
	go ix.runCommitter()
	go ix.runFlusher()
	go ix.runMerger()
	return ix, nil
}

// rebuildCheckpoint writes the checkpoint a damaged one was moved aside
// for: the splits' highest seq, or the seq before the WAL's first record
// when that is higher (its older segments were flushed and removed).
func rebuildCheckpoint(ix *indexState, flushed, firstWALSeq uint64) error {
	if firstWALSeq > 0 {
		flushed = max(flushed, firstWALSeq-1)
	}
	if err := writeCheckpoint(ix.dir, indexCheckpoint{FlushedSeq: flushed}); err != nil {
		return fmt.Errorf("rebuild checkpoint: %w", err)
	}
	ix.flushedSeq.Store(flushed)
	return nil
}

// openIndexSplits opens the index's splits and returns the highest seq
// they hold (or the checkpoint's, if higher): WAL records up to it are
// already in splits and must not be applied twice. A split that fails its
// checksums or misses files is moved to the quarantine and reported; the
// others open.
func openIndexSplits(q quarantine.Dir, checkpointSeq uint64) ([]*splitRef, uint64, error) {
	flushed := checkpointSeq
	splitsDir := filepath.Join(q.IndexDir, indexSplitsDir)
	if err := os.MkdirAll(splitsDir, 0o755); err != nil {
		return nil, 0, fmt.Errorf("create splits directory: %w", err)
	}
	// Finish merges a crash interrupted before anything is opened, so no
	// event is visible both in a merged split and in one of its inputs.
	if err := merge.DropReplacedSplits(q, splitsDir); err != nil {
		return nil, 0, err
	}
	entries, err := os.ReadDir(splitsDir)
	if err != nil {
		return nil, 0, fmt.Errorf("list splits: %w", err)
	}
	var refs []*splitRef
	fail := func(err error) ([]*splitRef, uint64, error) {
		for _, r := range refs {
			r.release()
		}
		return nil, 0, err
	}
	for _, ent := range entries {
		path := filepath.Join(splitsDir, ent.Name())
		if !ent.IsDir() {
			continue
		}
		if strings.HasPrefix(ent.Name(), ".") {
			if err := os.RemoveAll(path); err != nil { // an interrupted split write
				return fail(fmt.Errorf("remove unfinished split %s: %w", path, err))
			}
			continue
		}
		s, err := split.Open(path)
		if split.IsDamage(err) {
			if qerr := split.Quarantine(q, path, err, ""); qerr != nil {
				return fail(errors.Join(err, qerr))
			}
			continue
		}
		if err != nil {
			return fail(err)
		}
		flushed = max(flushed, s.Meta.MaxSeq)
		refs = append(refs, newSplitRef(s))
	}
	return refs, flushed, nil
}
