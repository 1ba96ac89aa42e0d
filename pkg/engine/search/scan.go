package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Visitor receives what a scan finds: matching rows of split blocks
// and matching head events.
type Visitor interface {
	// WantBlock lets the visitor skip a block by its metadata (top-N that
	// cannot improve), before anything is read.
	WantBlock(bm *split.BlockMeta) bool
	Block(bs *BlockScan) error
	// Event is one matching head event; false stops the head scan.
	Event(ev *event.Event) bool
}

// BlockScan is one block under scan. Its matching rows are computed on
// first request, so a visitor that only counts a block wholly inside the
// range under a match-all query decodes nothing.
type BlockScan struct {
	p    *Plan
	br   *BlockReader
	bm   *split.BlockMeta
	sel  Rows
	done bool
}

// Full reports whether every row of the block matches: the block lies in
// the time range and the query is match-all.
func (bs *BlockScan) Full() bool {
	return IsMatchAll(bs.p.Filter) && bs.bm.MinTime >= bs.p.Start && bs.bm.MaxTime < bs.p.End
}

// Count returns the number of matching rows.
func (bs *BlockScan) Count() (int, error) {
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
func (bs *BlockScan) Meta() *split.BlockMeta { return bs.bm }

// Reader decodes the block's columns.
func (bs *BlockScan) Reader() *BlockReader { return bs.br }

// Matches returns the matching rows of the block.
func (bs *BlockScan) Matches() (Rows, error) {
	if bs.done {
		return bs.sel, nil
	}
	lo, hi, err := bs.p.blockRange(bs.br, bs.bm)
	if err != nil {
		return nil, err
	}
	bs.sel = bs.sel.Resize(bs.bm.Rows)
	if lo < hi {
		if err := bs.apply(lo, hi); err != nil {
			return nil, err
		}
	}
	bs.done = true
	return bs.sel, nil
}

// apply sets the rows of [lo, hi) that match the filter. The block's
// matching rows are looked up in, or added to, the plan's match cache, for
// the whole block even when the range cuts it: a dashboard's moving "last
// hour" cuts a block at each edge on every refresh, and those are the
// blocks it would otherwise test again each time.
func (bs *BlockScan) apply(lo, hi int) error {
	p := bs.p
	if p.Cache == nil || IsMatchAll(p.Filter) {
		bs.sel.SetRange(lo, hi)
		return p.Filter.Apply(bs.br, bs.sel)
	}
	k := matchKey{split: bs.br.Split.Meta.ID, block: bs.br.Block, filter: p.matchKey}
	if !p.Cache.get(k, bs.sel) {
		bs.sel.SetRange(0, bs.bm.Rows)
		if err := p.Filter.Apply(bs.br, bs.sel); err != nil {
			return err
		}
		p.Cache.put(k, bs.sel)
	}
	bs.sel.keepRange(lo, hi)
	return nil
}

// Run scans the plan's splits and head in the plan's order, checking ctx
// between blocks. Damaged splits are skipped and recorded in the plan.
func (p *Plan) Run(ctx context.Context, v Visitor) error {
	if p.Desc {
		if err := p.runHead(ctx, v); err != nil {
			return err
		}
	}
	bs := &BlockScan{p: p, br: NewBlockReader()}
	for _, s := range p.Splits {
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
	if !p.Desc {
		return p.runHead(ctx, v)
	}
	return nil
}

func (p *Plan) runSplit(ctx context.Context, s *split.Split, bs *BlockScan, v Visitor) error {
	cand, err := p.Filter.Blocks(s)
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
		if p.Desc {
			b = n - 1 - i
		}
		bm := &s.Meta.Blocks[b]
		if bm.MaxTime < p.Start || bm.MinTime >= p.End {
			continue
		}
		if cand != nil && !cand.Contains(uint32(b)) {
			continue
		}
		if !p.Filter.MayMatchBlock(bm) || !v.WantBlock(bm) {
			continue
		}
		if err := checkContext(ctx); err != nil {
			return err
		}
		if p.OnBlock != nil {
			p.OnBlock()
		}
		bs.br.Reset(s, b)
		bs.bm, bs.done = bm, false
		if err := v.Block(bs); err != nil {
			return err
		}
	}
	return nil
}

// headCheckEvery is how many head events are checked between looks at ctx.
const headCheckEvery = 4096

func (p *Plan) runHead(ctx context.Context, v Visitor) error {
	ev := p.headRange()
	for i := range ev {
		if i%headCheckEvery == 0 {
			if err := checkContext(ctx); err != nil {
				return err
			}
		}
		j := i
		if p.Desc {
			j = len(ev) - 1 - i
		}
		if p.Filter.MatchEvent(&ev[j]) && !v.Event(&ev[j]) {
			return nil
		}
	}
	return nil
}

// isCorrupt reports whether err is split damage, which skips the split
// rather than failing the query.
func isCorrupt(err error) bool { return errors.Is(err, split.ErrCorrupt) }

// checkContext turns a finished context into the query's error: its cause,
// so a query past its deadline reports the *budget.LimitError.
func checkContext(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("query stopped: %w", context.Cause(ctx))
	}
	return nil
}
