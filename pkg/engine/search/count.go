package search

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

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
			bs := &BlockScan{p: f, br: NewBlockReader()}
			for {
				i := len(f.Splits) - 1 - int(next.Add(1)-1)
				if i < 0 {
					break
				}
				if err := checkContext(ctx); err != nil {
					errs[w] = err
					return
				}
				if err := f.runSplit(ctx, f.Splits[i], bs, v); err != nil {
					if !isCorrupt(err) {
						errs[w] = err
						return
					}
					fk.damaged = append(fk.damaged, damagedSplit{f.Splits[i], err})
				}
			}
		}()
	}
	wg.Wait()
	return head.Load(), errors.Join(errs...)
}

// forkCounters makes one count worker's plan per core (at most one per
// split), before the plan's own scan starts writing to it.
func (p *Plan) forkCounters() ([]*countFork, error) {
	forks := make([]*countFork, min(runtime.GOMAXPROCS(0), max(1, len(p.Splits))))
	for w := range forks {
		f := *p
		// Workers walk each split's blocks the other way round from the
		// hits' scan, so the two meet once instead of racing for every block.
		f.Desc = !p.Desc
		f.Skipped, f.Warnings = nil, nil
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
	plan    *Plan
	damaged []damagedSplit
}

type damagedSplit struct {
	s   *split.Split
	err error
}

// adoptSkips records what the count workers met in the plan, as if its own
// scan had: each damaged split once, and their warnings.
func (p *Plan) adoptSkips(forks []*countFork) {
	for _, f := range forks {
		for _, d := range f.damaged {
			p.Skip(d.s, d.err)
		}
		for _, w := range f.plan.Warnings {
			p.warn(w)
		}
	}
}

// countVisitor counts the matches of the blocks it claims, and the head's.
type countVisitor struct {
	claims *blockClaims
	head   int64
}

func (v *countVisitor) WantBlock(*split.BlockMeta) bool { return true }

func (v *countVisitor) Block(bs *BlockScan) error {
	if !v.claims.claim(bs.br.Split, bs.br.Block) {
		return nil
	}
	n, err := bs.Count()
	v.claims.total.Add(int64(n))
	return err
}

func (v *countVisitor) Event(*event.Event) bool {
	v.head++
	return true
}
