package plugin

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// searchLogPage runs one page of a logs query. A page the limit cuts inside
// a millisecond is completed to the end of that millisecond: Grafana asks
// for the next page by milliseconds only (Explore's older logs and the logs
// panel's infinite scroll set `to` to the oldest shown row's millisecond,
// public/app/features/logs/components/infiniteScrollUtils.ts), and the range
// excludes its end, so rows left in that millisecond would never come back.
// A page can therefore hold more rows than the limit; a millisecond with
// more rows than one answer may carry is cut with a warning, never silently.
func searchLogPage(ctx context.Context, eng *engine.Engine, req queryRequest) (engine.SearchResult, error) {
	order := engine.Desc
	if req.Model.Sort == query.SortAsc {
		order = engine.Asc
	}
	sr := engine.SearchRequest{
		Index: req.Model.Index, Query: req.Text, Start: req.From, End: req.To,
		Limit: req.Model.Limit, Order: order,
	}
	if req.Model.After != "" {
		c, err := engine.ParseCursor(req.Model.After)
		if err != nil {
			return engine.SearchResult{}, &engine.QueryError{Err: fmt.Errorf("after: %w", err)}
		}
		sr.After = &c
	}
	res, err := eng.Search(ctx, sr)
	if err != nil || res.Next == nil || len(res.Hits) == 0 {
		return res, err
	}
	last := res.Hits[len(res.Hits)-1].Event.Timestamp
	msStart := time.Unix(0, last-mod(last, int64(time.Millisecond)))
	rest := sr
	rest.Start, rest.End = laterOf(msStart, req.From), earlierOf(msStart.Add(time.Millisecond), req.To)
	rest.After = res.Next
	rest.Limit = max(engine.MaxSearchLimit-len(res.Hits), 1)
	more, err := eng.Search(ctx, rest)
	if err != nil {
		return engine.SearchResult{}, err
	}
	res.Hits = append(res.Hits, more.Hits...)
	if n := len(res.Hits); n > 0 {
		lastHit := res.Hits[n-1].Event
		res.Next = &engine.Cursor{Timestamp: lastHit.Timestamp, Seq: lastHit.Seq}
	}
	if more.Next != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"more than %d events share the millisecond %s: the rest of it is not shown; narrow the query",
			len(res.Hits), msStart.UTC().Format("2006-01-02T15:04:05.000Z07:00")))
	}
	return res, nil
}

// mod is the non-negative remainder of a by b (timestamps before 1970 too).
func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// laterOf and earlierOf bound a range; a zero time is unbounded.
func laterOf(a, b time.Time) time.Time {
	if b.IsZero() || a.After(b) {
		return a
	}
	return b
}

func earlierOf(a, b time.Time) time.Time {
	if b.IsZero() || a.Before(b) {
		return a
	}
	return b
}
