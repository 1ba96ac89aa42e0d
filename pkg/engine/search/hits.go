package search

import (
	"context"
	"errors"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Page is one page of a search's hits.
type Page struct {
	// Events are the hits in (Timestamp, Seq) order of the plan's direction.
	Events []event.Event
	// Total is the number of matches in the range when the count was asked.
	Total int64
	// Next is the cursor for the following page; nil on the last page.
	Next *Cursor
}

// Hits scans the plan for its first limit hits after the cursor after
// (nil: from the start), and with countTotal counts every match in the
// range on every core beside the hits' scan, which stops early. Damaged
// splits either scan meets are recorded in the plan.
func (p *Plan) Hits(ctx context.Context, limit int, after *Cursor, countTotal bool) (Page, error) {
	type counted struct {
		n   int64
		err error
	}
	var total chan counted
	var claims *blockClaims
	var forks []*countFork
	if countTotal {
		var err error
		if forks, err = p.forkCounters(); err != nil {
			return Page{}, err
		}
		claims = newBlockClaims(p.Splits)
		total = make(chan counted, 1)
		go func() {
			n, err := countParallel(ctx, forks, claims)
			total <- counted{n, err}
		}()
	}
	v := &hitsVisitor{top: TopN{N: limit + 1, Desc: p.Desc, After: after}, claims: claims, meter: p.Meter}
	err := p.Run(ctx, v)
	page := Page{}
	if total != nil {
		c := <-total
		err = errors.Join(err, c.err)
		// Both scans are done: every claimed block has been counted.
		page.Total = c.n + claims.total.Load()
		p.adoptSkips(forks)
	}
	if err != nil {
		return Page{}, err
	}
	refs := v.top.Sorted()
	if len(refs) > limit {
		refs = refs[:limit]
		last := refs[limit-1]
		page.Next = &Cursor{Timestamp: last.Ts, Seq: last.Seq}
	}
	if page.Events, err = p.materialize(refs); err != nil {
		return Page{}, err
	}
	return page, nil
}

// hitsVisitor feeds the top-N heap. The total is counted apart (see
// countParallel); a block this scan matches anyway is counted here, once,
// through claims.
type hitsVisitor struct {
	top    TopN
	claims *blockClaims
	// rows and slots are readHits' scratch.
	rows, slots []int
	meter       *budget.Meter
}

func (v *hitsVisitor) WantBlock(bm *split.BlockMeta) bool {
	return v.top.WantRange(bm.MinTime, bm.MinSeq, bm.MaxTime, bm.MaxSeq)
}

func (v *hitsVisitor) Block(bs *BlockScan) error {
	counts := v.claims.claim(bs.br.Split, bs.br.Block)
	sel, err := bs.Matches()
	if err != nil {
		return err
	}
	if counts {
		v.claims.total.Add(int64(sel.Count()))
	}
	ts, err := bs.br.Timestamps()
	if err != nil {
		return err
	}
	seqs, err := bs.br.SeqNumbers()
	if err != nil {
		return err
	}
	s, b := bs.br.Split, bs.br.Block
	kept := 0
	if v.top.Desc {
		// Rows are in (Timestamp, Seq) order: from the newest, stop at the
		// first that cannot enter.
		sel.ForEachDesc(func(r int) bool {
			if !v.top.BeyondCursor(ts[r], seqs[r]) {
				return true
			}
			if !v.top.CanImprove(ts[r], seqs[r]) {
				return false
			}
			if v.top.Offer(HitRef{Ts: ts[r], Seq: seqs[r], Split: s, Block: b, Row: r}) {
				kept++
			}
			return true
		})
	} else {
		sel.ForEach(func(r int) {
			if v.top.Offer(HitRef{Ts: ts[r], Seq: seqs[r], Split: s, Block: b, Row: r}) {
				kept++
			}
		})
	}
	if kept == 0 || !bs.br.columnsLoaded() {
		// Nothing kept, or the filter's rows came from the match cache (or
		// needed no column): the block's hits are read at the end, where
		// blocks are decoded on every core (materialize).
		return nil
	}
	return v.readHits(bs.br)
}

// readHits rebuilds the events of the block's rows now in the heap while
// the block's filter columns are still decoded, so that a hit's block is
// not decompressed a second time at the end. Scanning in result order, few
// of these are displaced later.
func (v *hitsVisitor) readHits(br *BlockReader) error {
	v.rows, v.slots = v.rows[:0], v.slots[:0]
	for i := range v.top.Heap {
		h := &v.top.Heap[i]
		if h.Ev == nil && h.Split == br.Split && h.Block == br.Block {
			v.rows = append(v.rows, h.Row)
			v.slots = append(v.slots, i)
		}
	}
	if len(v.rows) == 0 {
		return nil
	}
	events, err := br.Events(v.rows, make([]event.Event, 0, len(v.rows)))
	if err != nil {
		return err
	}
	if err := v.meter.ChargeEvents(events); err != nil {
		return err
	}
	for j, i := range v.slots {
		v.top.Heap[i].Ev = &events[j]
	}
	return nil
}

func (v *hitsVisitor) Event(ev *event.Event) bool {
	if !v.top.CanImprove(ev.Timestamp, ev.Seq) && v.top.BeyondCursor(ev.Timestamp, ev.Seq) {
		// Head events come in result order: none after this can enter.
		return false
	}
	v.top.Offer(HitRef{Ts: ev.Timestamp, Seq: ev.Seq, Ev: ev})
	return true
}
