package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Order is the order of search hits.
type Order uint8

const (
	// Desc returns the newest events first (the default: log views).
	Desc Order = iota
	// Asc returns the oldest events first.
	Asc
)

// Search limits.
const (
	// DefaultSearchLimit is the page size when SearchRequest.Limit is 0.
	DefaultSearchLimit = 100
	// MaxSearchLimit caps the rows one search returns; page with the cursor
	// for more.
	MaxSearchLimit = 10_000
)

// SearchRequest asks for the events of one index matching a query.
type SearchRequest struct {
	Index string
	// Query is the query text (macros already expanded); empty matches all.
	Query string
	// SearchFields, when set, replaces the index's
	// search_settings.default_search_fields for terms without a field:
	// Quickwit's search_field parameter, Elasticsearch query_string's
	// fields and default_field.
	SearchFields []string
	// Start and End bound event timestamps, [Start, End); a zero end is open.
	Start, End time.Time
	// Limit is the page size (0: DefaultSearchLimit, at most MaxSearchLimit).
	Limit int
	Order Order
	// After continues from a previous page's Next.
	After *search.Cursor
	// CountTotal also counts every match in [Start, End), ignoring After; it
	// costs a pass over every candidate block.
	CountTotal bool
	// Now anchors date math in the query (`now-15m`); zero means time.Now().
	Now time.Time
}

// Hit is one matching event and the index it came from. Event may share
// memory with the store's head: treat it as read-only.
type Hit struct {
	Index string
	Event event.Event
}

// SearchResult is one page of hits.
type SearchResult struct {
	Hits []Hit
	// Total is the number of matches in the range when CountTotal was set.
	Total int64
	// Next is the cursor for the following page; nil on the last page.
	Next *search.Cursor
	// SkippedSplits lists damaged splits whose rows were left out from the
	// damage on, and Warnings says why, so a partial answer is never silent.
	SkippedSplits []string
	Warnings      []string
}

// Search returns the matching events of req.Index in (Timestamp, Seq)
// order. It works on a snapshot, so it never waits for ingest, flushes or
// merges; ctx bounds it and is checked between blocks.
func (e *Engine) Search(ctx context.Context, req SearchRequest) (SearchResult, error) {
	limit := req.Limit
	switch {
	case limit == 0:
		limit = DefaultSearchLimit
	case limit < 0 || limit > MaxSearchLimit:
		return SearchResult{}, budget.InvalidRequest(fmt.Errorf("search limit %d: use 1 to %d rows and page with the cursor for more", limit, MaxSearchLimit))
	}
	ctx, cancel, meter := e.startQuery(ctx)
	defer cancel()
	p, err := e.planQuery(req.Index, req.Query, req.SearchFields, req.Start, req.End, req.Now, req.Order == Desc)
	if err != nil {
		return SearchResult{}, err
	}
	defer p.release()
	// The total is counted on every core beside the newest hits' scan,
	// which stops early.
	type counted struct {
		n   int64
		err error
	}
	var total chan counted
	var claims *blockClaims
	var forks []*countFork
	if req.CountTotal {
		if forks, err = p.forkCounters(); err != nil {
			return SearchResult{}, err
		}
		claims = newBlockClaims(p.splits)
		total = make(chan counted, 1)
		go func() {
			n, err := countParallel(ctx, forks, claims)
			total <- counted{n, err}
		}()
	}
	p.budget = meter
	v := &searchVisitor{top: search.TopN{N: limit + 1, Desc: p.desc, After: req.After}, claims: claims, budget: meter}
	err = p.run(ctx, v)
	res := SearchResult{}
	if total != nil {
		c := <-total
		err = errors.Join(err, c.err)
		// Both scans are done: every claimed block has been counted.
		res.Total = c.n + claims.total.Load()
		p.adoptSkips(forks)
	}
	if err != nil {
		return SearchResult{}, fmt.Errorf("search index %q: %w", req.Index, err)
	}
	refs := v.top.Sorted()
	if len(refs) > limit {
		refs = refs[:limit]
		last := refs[limit-1]
		res.Next = &search.Cursor{Timestamp: last.Ts, Seq: last.Seq}
	}
	res.Hits, err = p.materialize(refs)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search index %q: %w", req.Index, err)
	}
	res.SkippedSplits, res.Warnings = p.skipped, p.warnings
	if err := e.checkPartial(ctx, p); err != nil {
		return SearchResult{}, err
	}
	return res, nil
}

// searchVisitor feeds the top-N heap. The total is counted apart (see
// countParallel); a block this scan matches anyway is counted here, once,
// through claims.
type searchVisitor struct {
	top    search.TopN
	claims *blockClaims
	// rows and slots are readHits' scratch.
	rows, slots []int
	budget      *budget.Meter
}

func (v *searchVisitor) wantBlock(bm *split.BlockMeta) bool {
	return v.top.WantRange(bm.MinTime, bm.MinSeq, bm.MaxTime, bm.MaxSeq)
}

func (v *searchVisitor) block(bs *blockScan) error {
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
			if v.top.Offer(search.HitRef{Ts: ts[r], Seq: seqs[r], Split: s, Block: b, Row: r}) {
				kept++
			}
			return true
		})
	} else {
		sel.ForEach(func(r int) {
			if v.top.Offer(search.HitRef{Ts: ts[r], Seq: seqs[r], Split: s, Block: b, Row: r}) {
				kept++
			}
		})
	}
	if kept == 0 {
		return nil
	}
	return v.readHits(bs.br)
}

// readHits rebuilds the events of the block's rows now in the heap while
// the block's filter columns are still decoded, so that a hit's block is
// not decompressed a second time at the end. Scanning in result order, few
// of these are displaced later.
func (v *searchVisitor) readHits(br *search.BlockReader) error {
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
	if err := v.budget.ChargeEvents(events); err != nil {
		return err
	}
	for j, i := range v.slots {
		v.top.Heap[i].Ev = &events[j]
	}
	return nil
}

func (v *searchVisitor) event(ev *event.Event) bool {
	if !v.top.CanImprove(ev.Timestamp, ev.Seq) && v.top.BeyondCursor(ev.Timestamp, ev.Seq) {
		// Head events come in result order: none after this can enter.
		return false
	}
	v.top.Offer(search.HitRef{Ts: ev.Timestamp, Seq: ev.Seq, Ev: ev})
	return true
}

// materialize returns the chosen hits' events, reading those the scan did
// not (one decode per block). A block that fails its checksum now drops its
// hits and is reported.
func (p *scanPlan) materialize(refs []search.HitRef) ([]Hit, error) {
	hits := make([]Hit, len(refs))
	type blockKey struct {
		s *split.Split
		b int
	}
	rows := map[blockKey][]int{}
	slots := map[blockKey][]int{}
	var order []blockKey
	for i, r := range refs {
		hits[i].Index = p.index
		if r.Ev != nil {
			hits[i].Event = *r.Ev
			continue
		}
		k := blockKey{r.Split, r.Block}
		if _, ok := rows[k]; !ok {
			order = append(order, k)
		}
		rows[k] = append(rows[k], r.Row)
		slots[k] = append(slots[k], i)
	}
	drop := map[int]bool{}
	var buf []event.Event
	br := search.NewBlockReader()
	for _, k := range order {
		var err error
		br.Reset(k.s, k.b)
		buf, err = br.Events(rows[k], buf[:0])
		if err == nil {
			err = p.budget.ChargeEvents(buf)
		}
		if err != nil {
			if !isCorrupt(err) {
				return nil, err
			}
			p.Skip(k.s, err)
			for _, i := range slots[k] {
				drop[i] = true
			}
			continue
		}
		for j, i := range slots[k] {
			hits[i].Event = buf[j]
		}
		buf = nil // the events are now owned by hits
	}
	if len(drop) == 0 {
		return hits, nil
	}
	kept := hits[:0]
	for i, h := range hits {
		if !drop[i] {
			kept = append(kept, h)
		}
	}
	return kept, nil
}
