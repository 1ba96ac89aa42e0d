package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
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
	p.Meter = meter
	page, err := p.Hits(ctx, limit, req.After, req.CountTotal)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search index %q: %w", req.Index, err)
	}
	res := SearchResult{Hits: make([]Hit, len(page.Events)), Total: page.Total, Next: page.Next}
	for i := range page.Events {
		res.Hits[i] = Hit{Index: p.index, Event: page.Events[i]}
	}
	res.SkippedSplits, res.Warnings = p.Skipped, p.Warnings
	if err := e.checkPartial(ctx, p); err != nil {
		return SearchResult{}, err
	}
	return res, nil
}
