package engine

import (
	"context"
	"fmt"
)

// scanVisitor receives what a scan finds: matching rows of split blocks
// and matching head events.
type scanVisitor interface {
	// wantBlock lets the visitor skip a block by its metadata (top-N that
	// cannot improve), before anything is read.
	wantBlock(bm *BlockMeta) bool
	block(bs *blockScan) error
	// event is one matching head event; false stops the head scan.
	event(ev *Event) bool
}

// blockScan is one block under scan. Its matching rows are computed on
// first request, so a visitor that only counts a block wholly inside the
// range under a match-all query decodes nothing.
type blockScan struct {
	p    *scanPlan
	br   *blockReader
	bm   *BlockMeta
	sel  rowSet
	done bool
}

// full reports whether every row of the block matches: the block lies in
// the time range and the query is match-all.
func (bs *blockScan) full() bool {
	return isMatchAll(bs.p.filter) && bs.bm.MinTime >= bs.p.start && bs.bm.MaxTime < bs.p.end
}

// count returns the number of matching rows.
func (bs *blockScan) count() (int, error) {
	if bs.full() {
		return bs.bm.Rows, nil
	}
	sel, err := bs.matches()
	if err != nil {
		return 0, err
	}
	return sel.count(), nil
}

// matches returns the matching rows of the block.
func (bs *blockScan) matches() (rowSet, error) {
	if bs.done {
		return bs.sel, nil
	}
	lo, hi, err := bs.p.blockRange(bs.br, bs.bm)
	if err != nil {
		return nil, err
	}
	bs.sel = bs.sel.resize(bs.bm.Rows)
	bs.sel.setRange(lo, hi)
	if lo < hi {
		if err := bs.p.filter.apply(bs.br, bs.sel); err != nil {
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
	bs := &blockScan{p: p, br: newBlockReader()}
	for _, s := range p.splits {
		if err := checkContext(ctx); err != nil {
			return err
		}
		if err := p.runSplit(ctx, s, bs, v); err != nil {
			if !isCorrupt(err) {
				return err
			}
			p.skip(s, err)
		}
	}
	if !p.desc {
		return p.runHead(ctx, v)
	}
	return nil
}

func (p *scanPlan) runSplit(ctx context.Context, s *Split, bs *blockScan, v scanVisitor) error {
	cand, err := p.filter.blocks(s)
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
		if !p.filter.mayMatchBlock(bm) || !v.wantBlock(bm) {
			continue
		}
		if err := checkContext(ctx); err != nil {
			return err
		}
		if p.onBlock != nil {
			p.onBlock()
		}
		bs.br.reset(s, b)
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
		if p.filter.matchEvent(&ev[j]) && !v.event(&ev[j]) {
			return nil
		}
	}
	return nil
}
