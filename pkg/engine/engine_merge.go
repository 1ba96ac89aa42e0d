package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine/merge"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// mergeState is an index's background merger: one goroutine, so one merge
// at a time per index, woken by the commit ticker.
type mergeState struct {
	policy merge.Policy
	req    chan struct{}
	// runMu makes merges of one index run one at a time, whoever starts them.
	runMu sync.Mutex
	// commitMu orders a merge's commit (check inputs, publish, swap) with
	// retention, so a merge never brings back a split retention dropped.
	commitMu sync.Mutex
	merges   atomic.Int64
	failures atomic.Int64
	lastErr  atomic.Pointer[string] // the latest failure, for IndexStats
	// hook, in crash tests, sees each step of a merge (see mergeStep).
	hook func(mergeStep)
}

// mergeStep names the points between a merge's durable steps, where crash
// tests capture the store.
type mergeStep int

const (
	mergeStepWritten   mergeStep = iota // merged split written in the staging directory
	mergeStepMarked                     // its merge marker written and fsynced
	mergeStepPublished                  // renamed into the splits directory: committed
	mergeStepSwapped                    // in the index's view; inputs go with their last reader
)

// mergeStagePrefix starts a staging directory under the splits directory;
// Open removes `.`-prefixed entries, so an interrupted merge leaves nothing.
const mergeStagePrefix = ".merge-"

func (ix *indexState) initMerger(o Options) {
	ix.merge.policy = merge.NewPolicy(o.MergeFactor, o.MergeMaxRows)
	ix.merge.req = make(chan struct{}, 1)
}

// requestMerge wakes the merger; it costs nothing when one is pending.
func (ix *indexState) requestMerge() {
	select {
	case ix.merge.req <- struct{}{}:
	default:
	}
}

// mergeRetryAfter is how long the merger rests after a failure (a damaged
// input fails every attempt), instead of retrying at every commit tick.
const mergeRetryAfter = time.Minute

// runMerger merges while the policy finds work each time it is woken. A
// failed merge waits mergeRetryAfter; Close cancels a running one.
func (ix *indexState) runMerger() {
	defer ix.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-ix.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	var failedAt time.Time
	for {
		select {
		case <-ix.stop:
			return
		case <-ix.merge.req:
		}
		if time.Since(failedAt) < mergeRetryAfter {
			continue
		}
		for ctx.Err() == nil {
			merged, err := ix.mergeOnce(ctx, time.Now())
			if err != nil && ctx.Err() == nil {
				failedAt = time.Now()
				ix.merge.failures.Add(1)
				msg := err.Error()
				ix.merge.lastErr.Store(&msg)
			}
			if err != nil || !merged {
				break
			}
		}
	}
}

// mergeOnce runs the policy on the current splits and merges the splits it
// picks; merged is false when there was nothing to merge.
func (ix *indexState) mergeOnce(ctx context.Context, now time.Time) (merged bool, err error) {
	ix.merge.runMu.Lock()
	defer ix.merge.runMu.Unlock()
	ix.viewMu.Lock()
	all := append([]*splitRef(nil), ix.view.splits...)
	for _, r := range all {
		r.acquire()
	}
	ix.viewMu.Unlock()
	spans := make([]merge.Span, len(all))
	for i, r := range all {
		m := &r.split.Meta
		spans[i] = merge.Span{MinTime: m.MinTime, MaxTime: m.MaxTime, Rows: m.Rows, Written: r.written, MergeOps: m.MergeOps}
	}
	picked := ix.merge.policy.Pick(spans, now)
	if len(picked) == 0 {
		picked = outdatedTermsSplit(all)
	}
	inputs := make([]*splitRef, 0, len(picked))
	for _, i := range picked {
		inputs = append(inputs, all[i])
		all[i] = nil
	}
	for _, r := range all {
		if r != nil {
			r.release()
		}
	}
	defer func() {
		for _, r := range inputs {
			r.release()
		}
	}()
	if len(inputs) == 0 {
		return false, nil
	}
	if err := ix.mergeSplits(ctx, inputs); err != nil {
		return false, fmt.Errorf("merge %d splits of index %q: %w", len(inputs), ix.id, err)
	}
	return true, nil
}

// mergeSplits writes the inputs' events as one split and swaps it in for
// them. The caller holds a reference to each input.
func (ix *indexState) mergeSplits(ctx context.Context, inputs []*splitRef) error {
	splitsDir := filepath.Join(ix.dir, indexSplitsDir)
	stage, err := os.MkdirTemp(splitsDir, mergeStagePrefix)
	if err != nil {
		return fmt.Errorf("create staging directory: %w", err)
	}
	defer os.RemoveAll(stage)
	splits := make([]*split.Split, len(inputs))
	opts := split.DefaultSplitOptions
	for i, r := range inputs {
		splits[i] = r.split
		opts.MergeOps = max(opts.MergeOps, r.split.Meta.MergeOps+1)
	}
	src, err := merge.NewSource(ctx, splits)
	if err != nil {
		return err
	}
	meta, err := split.WriteSplitFrom(stage, ix.mergeSchema(splits), ix.background(ctx, src, ix.mergeYield()), opts)
	if err != nil {
		return err
	}
	ix.mergeHook(mergeStepWritten)
	staged := filepath.Join(stage, meta.ID)
	ids, err := merge.ReplacedIDs(splitsDir, splits)
	if err == nil {
		err = merge.WriteMarker(staged, merge.Marker{Replaces: ids})
	}
	if err != nil {
		return err
	}
	ix.mergeHook(mergeStepMarked)
	if err := mergeCancelled(ctx, ix.stop); err != nil {
		return fmt.Errorf("merge cancelled before commit: %w", err)
	}
	return ix.commitMerge(splitsDir, staged, meta.ID, inputs)
}

// commitMerge publishes the staged split and swaps it into the view in
// place of the inputs, unless retention dropped one of them meanwhile.
func (ix *indexState) commitMerge(splitsDir, staged, id string, inputs []*splitRef) error {
	ix.merge.commitMu.Lock()
	defer ix.merge.commitMu.Unlock()
	ix.viewMu.Lock()
	present := 0
	for _, r := range ix.view.splits {
		for _, in := range inputs {
			if r == in {
				present++
			}
		}
	}
	ix.viewMu.Unlock()
	if present != len(inputs) {
		return errors.New("an input split was dropped by retention during the merge; the merge is abandoned")
	}
	final := filepath.Join(splitsDir, id)
	if err := os.Rename(staged, final); err != nil {
		return fmt.Errorf("publish merged split %s: %w", id, err)
	}
	if err := split.SyncSplitParent(splitsDir); err != nil {
		return fmt.Errorf("publish merged split %s: %w", id, err)
	}
	ix.mergeHook(mergeStepPublished)
	s, err := split.Open(final)
	if err != nil {
		// Published but unreadable: the inputs keep serving until the next
		// Open, which drops them and opens (or quarantines) the merged split.
		return fmt.Errorf("open merged split: %w", err)
	}
	merged := newSplitRef(s)
	for _, r := range inputs {
		merged.written = max(merged.written, r.written)
	}
	ix.viewMu.Lock()
	v := ix.view
	splits := make([]*splitRef, 0, len(v.splits)-len(inputs)+1)
	for _, r := range v.splits {
		switch {
		case r == inputs[0]:
			splits = append(splits, merged)
		case !isInput(r, inputs):
			splits = append(splits, r)
		}
	}
	ix.view = &indexView{head: v.head, frozen: v.frozen, splits: splits}
	ix.viewMu.Unlock()
	ix.mergeHook(mergeStepSwapped)
	for _, r := range inputs {
		r.removeFiles.Store(true)
		r.release() // the view's reference; snapshots and the caller hold theirs
	}
	ix.merge.merges.Add(1)
	return nil
}

// mergeCancelled reports a cancelled context or a closing index: the
// context follows stop asynchronously, stop itself is checked too so a
// merge that reaches its commit while Close runs never publishes.
func mergeCancelled(ctx context.Context, stop <-chan struct{}) error {
	select {
	case <-stop:
		return context.Canceled
	default:
		return ctx.Err()
	}
}

func isInput(r *splitRef, inputs []*splitRef) bool {
	for _, in := range inputs {
		if r == in {
			return true
		}
	}
	return false
}

// lastMergeError is the latest failed merge's error, "" when none failed.
func (ix *indexState) lastMergeError() string {
	if p := ix.merge.lastErr.Load(); p != nil {
		return *p
	}
	return ""
}

func (ix *indexState) mergeHook(step mergeStep) {
	if ix.merge.hook != nil {
		ix.merge.hook(step)
	}
}

// expireSplits is retention as the commit ticker runs it: ordered with
// merge commits (see mergeState.commitMu).
func (ix *indexState) expireSplits(now time.Time) int {
	ix.merge.commitMu.Lock()
	defer ix.merge.commitMu.Unlock()
	return ix.applyRetention(now)
}

// outdatedTermsSplit picks one split whose term index was built with older
// tokenizer rules, for an idle merger to rewrite alone: the rewrite
// re-tokenises it, so lookups narrow its granules again (see
// termsVersionQuickwit).
func outdatedTermsSplit(refs []*splitRef) []int {
	for i, r := range refs {
		if r.split.Meta.TermsVersion < split.TermsVersionQuickwit {
			return []int{i}
		}
	}
	return nil
}
