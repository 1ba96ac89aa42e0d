package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// scanVisitor receives what a scan finds: matching rows of split blocks
// and matching head events.
type scanVisitor interface {
	// wantBlock lets the visitor skip a block by its metadata (top-N that
	// cannot improve), before anything is read.
	wantBlock(bm *split.BlockMeta) bool
	block(bs *blockScan) error
	// event is one matching head event; false stops the head scan.
	event(ev *event.Event) bool
}

// blockScan is one block under scan. Its matching rows are computed on
// first request, so a visitor that only counts a block wholly inside the
// range under a match-all query decodes nothing.
type blockScan struct {
	p    *scanPlan
	br   *search.BlockReader
	bm   *split.BlockMeta
	sel  search.Rows
	done bool
}

// Full reports whether every row of the block matches: the block lies in
// the time range and the query is match-all.
func (bs *blockScan) Full() bool {
	return search.IsMatchAll(bs.p.filter) && bs.bm.MinTime >= bs.p.start && bs.bm.MaxTime < bs.p.end
}

// Count returns the number of matching rows.
func (bs *blockScan) Count() (int, error) {
	if bs.Full() {
		return bs.bm.Rows, nil
	}
	sel, err := bs.Matches()
	if err != nil {
		return 0, err
	}
	return sel.Count(), nil
}

// Meta is the block's metadata.
func (bs *blockScan) Meta() *split.BlockMeta { return bs.bm }

// Reader decodes the block's columns.
func (bs *blockScan) Reader() *search.BlockReader { return bs.br }

// Matches returns the matching rows of the block.
func (bs *blockScan) Matches() (search.Rows, error) {
	if bs.done {
		return bs.sel, nil
	}
	lo, hi, err := bs.p.blockRange(bs.br, bs.bm)
	if err != nil {
		return nil, err
	}
	bs.sel = bs.sel.Resize(bs.bm.Rows)
	bs.sel.SetRange(lo, hi)
	if lo < hi {
		if err := bs.p.filter.Apply(bs.br, bs.sel); err != nil {
			return nil, err
		}
	}
	bs.done = true
	return bs.sel, nil
}

// run scans the plan's splits and head in the plan's order, checking ctx
// between blocks. Damaged splits are skipped and recorded in the plan.
func (p *scanPlan) run(ctx context.Context, v scanVisitor) error {
	if p.desc {
		if err := p.runHead(ctx, v); err != nil {
			return err
		}
	}
	bs := &blockScan{p: p, br: search.NewBlockReader()}
	for _, s := range p.splits {
		if err := checkContext(ctx); err != nil {
			return err
		}
		if err := p.runSplit(ctx, s, bs, v); err != nil {
			if !isCorrupt(err) {
				return err
			}
			p.Skip(s, err)
		}
	}
	if !p.desc {
		return p.runHead(ctx, v)
	}
	return nil
}

func (p *scanPlan) runSplit(ctx context.Context, s *split.Split, bs *blockScan, v scanVisitor) error {
	cand, err := p.filter.Blocks(s)
	if err != nil {
		if !isCorrupt(err) {
			return err
		}
		// The term index only narrows the blocks to read; without it the
		// exact check on every block still gives the whole answer.
		cand = nil
		p.warn(fmt.Sprintf("split %s was searched without its term index: %v", s.Meta.ID, err))
	}
	n := len(s.Meta.Blocks)
	for i := 0; i < n; i++ {
		b := i
		if p.desc {
			b = n - 1 - i
		}
		bm := &s.Meta.Blocks[b]
		if bm.MaxTime < p.start || bm.MinTime >= p.end {
			continue
		}
		if cand != nil && !cand.Contains(uint32(b)) {
			continue
		}
		if !p.filter.MayMatchBlock(bm) || !v.wantBlock(bm) {
			continue
		}
		if err := checkContext(ctx); err != nil {
			return err
		}
		if p.onBlock != nil {
			p.onBlock()
		}
		bs.br.Reset(s, b)
		bs.bm, bs.done = bm, false
		if err := v.block(bs); err != nil {
			return err
		}
	}
	return nil
}

// headCheckEvery is how many head events are checked between looks at ctx.
const headCheckEvery = 4096

func (p *scanPlan) runHead(ctx context.Context, v scanVisitor) error {
	ev := p.headRange()
	for i := range ev {
		if i%headCheckEvery == 0 {
			if err := checkContext(ctx); err != nil {
				return err
			}
		}
		j := i
		if p.desc {
			j = len(ev) - 1 - i
		}
		if p.filter.MatchEvent(&ev[j]) && !v.event(&ev[j]) {
			return nil
		}
	}
	return nil
}

// countParallel counts the plan's matches in its range with one worker per
// core (each with its own filter and block reader), taking splits in turn
// from the far end of the hits' scan: a search's total reads every candidate block, while its
// newest hits usually need the first few, so the count is what takes the
// time. Blocks the hits' scan matched are counted by it (claims), so no
// block is evaluated twice when both reach it: the total is the head's
// matches, which countParallel returns, plus claims.total once the hits'
// scan has finished too. The damaged splits the workers meet are kept in
// the forks for the caller to record (adoptSkips) after that scan.
func countParallel(ctx context.Context, forks []*countFork, claims *blockClaims) (int64, error) {
	workers := len(forks)
	var next atomic.Int64
	var head atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w, fk := range forks {
		f := fk.plan
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := &countVisitor{claims: claims}
			if w == 0 {
				if errs[w] = f.runHead(ctx, v); errs[w] != nil {
					return
				}
				head.Store(v.head)
			}
			bs := &blockScan{p: f, br: search.NewBlockReader()}
			for {
				i := len(f.splits) - 1 - int(next.Add(1)-1)
				if i < 0 {
					break
				}
				if err := checkContext(ctx); err != nil {
					errs[w] = err
					return
				}
				if err := f.runSplit(ctx, f.splits[i], bs, v); err != nil {
					if !isCorrupt(err) {
						errs[w] = err
						return
					}
					fk.damaged = append(fk.damaged, damagedSplit{f.splits[i], err})
				}
			}
		}()
	}
	wg.Wait()
	return head.Load(), errors.Join(errs...)
}

// forkCounters makes one count worker's plan per core (at most one per
// split), before the plan's own scan starts writing to it.
func (p *scanPlan) forkCounters() ([]*countFork, error) {
	forks := make([]*countFork, min(runtime.GOMAXPROCS(0), max(1, len(p.splits))))
	for w := range forks {
		f := *p
		// Workers walk each split's blocks the other way round from the
		// hits' scan, so the two meet once instead of racing for every block.
		f.desc = !p.desc
		f.skipped, f.warnings, f.done = nil, nil, func() {}
		if err := f.compile(p.text, p.now, p.limits); err != nil {
			return nil, err
		}
		forks[w] = &countFork{plan: &f}
	}
	return forks, nil
}

// blockClaims makes each block of a search's splits counted once, by
// whichever of the hits' scan and the count workers matches it first.
type blockClaims struct {
	base  map[*split.Split]int
	taken []atomic.Bool
	total atomic.Int64
}

func newBlockClaims(splits []*split.Split) *blockClaims {
	c := &blockClaims{base: make(map[*split.Split]int, len(splits))}
	n := 0
	for _, s := range splits {
		c.base[s] = n
		n += len(s.Meta.Blocks)
	}
	c.taken = make([]atomic.Bool, n)
	return c
}

// claim reports whether the caller is the first to claim block b of s,
// and so counts it; a nil receiver (no total asked) claims nothing.
func (c *blockClaims) claim(s *split.Split, b int) bool {
	if c == nil {
		return false
	}
	base, ok := c.base[s]
	return ok && c.taken[base+b].CompareAndSwap(false, true)
}

// countFork is a count worker's copy of the plan (its own filter, whose
// scratch buffers are not shared) and the damage it met.
type countFork struct {
	plan    *scanPlan
	damaged []damagedSplit
}

type damagedSplit struct {
	s   *split.Split
	err error
}

// adoptSkips records what the count workers met in the plan, as if its own
// scan had: each damaged split once, and their warnings.
func (p *scanPlan) adoptSkips(forks []*countFork) {
	for _, f := range forks {
		for _, d := range f.damaged {
			p.Skip(d.s, d.err)
		}
		for _, w := range f.plan.warnings {
			p.warn(w)
		}
	}
}

// countVisitor counts the matches of the blocks it claims, and the head's.
type countVisitor struct {
	claims *blockClaims
	head   int64
}

func (v *countVisitor) wantBlock(*split.BlockMeta) bool { return true }

func (v *countVisitor) block(bs *blockScan) error {
	if !v.claims.claim(bs.br.Split, bs.br.Block) {
		return nil
	}
	n, err := bs.Count()
	v.claims.total.Add(int64(n))
	return err
}

func (v *countVisitor) event(*event.Event) bool {
	v.head++
	return true
}
