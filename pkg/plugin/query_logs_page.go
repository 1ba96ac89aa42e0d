package plugin

import (
	"context"
	"fmt"
	"time"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// logPage is one page of a logs query.
type logPage struct {
	Hits []engine.Hit
	// Next is the position of the page's last row ("<unix ns>:<seq>", what
	// a query's `after` takes) when more rows follow; empty on the last page.
	Next     string
	Warnings []string
}

// searchLogPage runs one page of a logs query, beyond the model's `after`
// position when set. A page the limit cuts inside a millisecond is
// completed to the end of that millisecond: Grafana asks for the next page
// by milliseconds only (Explore's older logs and the logs panel's infinite
// scroll set `to` to the oldest shown row's millisecond,
// public/app/features/logs/components/infiniteScrollUtils.ts), and the
// range excludes its end, so rows left in that millisecond would never
// come back. A page can therefore hold more rows than the limit; a
// millisecond with more rows than one answer may carry is cut with a
// warning, never silently.
func searchLogPage(ctx context.Context, be logstore.Backend, req queryRequest) (logPage, error) {
	order := engine.Desc
	if req.Model.Sort == query.SortAsc {
		order = engine.Asc
	}
	sr := engine.SearchRequest{
		Index: req.Model.Index, Query: req.Text, Start: req.From, End: req.To,
		Limit: req.Model.Limit, Order: order,
	}
	var after *engine.Cursor
	if req.Model.After != "" {
		c, err := engine.ParseCursor(req.Model.After)
		if err != nil {
			return logPage{}, &engine.QueryError{Err: fmt.Errorf("after: %w", err)}
		}
		after = &c
	}
	return searchBeyond(ctx, be, sr, after)
}

// searchBeyond returns one page of sr beyond after (from the start when
// nil), in the (timestamp, seq) order of frames, whatever the store.
func searchBeyond(ctx context.Context, be logstore.Backend, sr engine.SearchRequest, after *engine.Cursor) (logPage, error) {
	if be.Name() == logstore.KindEmbedded {
		return positionalPage(ctx, be, sr, after)
	}
	return collectPage(ctx, be, sr, after, orderGrain(be.Name()))
}

// positionalPage pages a store whose cursor is a row position, in exactly
// the (timestamp, seq) order frames show: the embedded engine. Each page is
// one search, plus one for the rest of its last millisecond.
func positionalPage(ctx context.Context, be logstore.Backend, sr engine.SearchRequest, after *engine.Cursor) (logPage, error) {
	first := logstore.SearchRequest{SearchRequest: sr}
	if after != nil {
		first.Cursor = after.String()
	}
	res, err := be.Search(ctx, first)
	if err != nil {
		return logPage{}, err
	}
	page := logPage{Hits: res.Hits, Next: res.Cursor, Warnings: res.Warnings}
	if res.Cursor == "" || len(res.Hits) == 0 {
		return page, nil
	}
	last := res.Hits[len(res.Hits)-1].Event.Timestamp
	msStart := time.Unix(0, last-mod(last, int64(time.Millisecond)))
	rest := first
	rest.Start, rest.End = laterOf(msStart, sr.Start), earlierOf(msStart.Add(time.Millisecond), sr.End)
	rest.Cursor = res.Cursor
	rest.Limit = max(engine.MaxSearchLimit-len(res.Hits), 1)
	more, err := be.Search(ctx, rest)
	if err != nil {
		return logPage{}, err
	}
	page.Hits = append(page.Hits, more.Hits...)
	lastHit := page.Hits[len(page.Hits)-1].Event
	page.Next = position(lastHit)
	if more.Cursor != "" {
		page.Warnings = append(page.Warnings, fmt.Sprintf(
			"more than %d events share the millisecond %s: the rest of it is not shown; narrow the query",
			len(page.Hits), msStart.UTC().Format("2006-01-02T15:04:05.000Z07:00")))
	}
	return page, nil
}

// position is an event's place in the (timestamp, seq) order of frames.
func position(ev engine.Event) string {
	return engine.Cursor{Timestamp: ev.Timestamp, Seq: ev.Seq}.String()
}

// orderGrain is the finest time step by which a store orders hits: Quickwit
// sorts on its timestamp fast field, kept at whole seconds by default, and
// breaks ties its own way; VictoriaLogs sorts by nanoseconds.
func orderGrain(kind string) time.Duration {
	if kind == logstore.KindQuickwit {
		return time.Second
	}
	return time.Nanosecond
}

// maxCollected bounds the rows one remote page reads to complete its last
// unit of time.
const maxCollected = engine.MaxSearchLimit

// collectPage pages a remote store, whose cursor is opaque and whose order
// breaks timestamp ties its own way (by document, by content), into the
// frames' (timestamp, seq) order: it reads in the store's order until the
// limit is reached and the unit of time (a millisecond, or the store's
// coarser grain) of the limit-th row is complete, then sorts. Rows beyond
// `after` are found by reading after's whole unit and keeping exactly the
// rows beyond it; such a page is cut to the limit. The store is asked for whole units and every row is
// checked against the exact range, so a store comparing coarser
// timestamps neither adds rows outside the range nor loses rows inside it.
func collectPage(ctx context.Context, be logstore.Backend, sr engine.SearchRequest, after *engine.Cursor, grain time.Duration) (logPage, error) {
	limit, err := logstore.PageLimit(sr.Limit)
	if err != nil {
		return logPage{}, err
	}
	unit := max(grain, time.Millisecond)
	from, to := sr.Start, sr.End
	if after != nil {
		at := time.Unix(0, after.Timestamp)
		if sr.Order == engine.Asc {
			from = laterOf(at, from)
		} else {
			to = earlierOf(at.Add(time.Nanosecond), to)
		}
	}
	asked := sr
	asked.Start, asked.End = floorTime(from, grain), ceilTime(to, grain)
	asked.Limit = min(limit+1, engine.MaxSearchLimit)
	var page logPage
	var boundary int64
	bounded := false
	cursor := ""
	for {
		res, err := be.Search(ctx, logstore.SearchRequest{SearchRequest: asked, Cursor: cursor})
		if err != nil {
			return logPage{}, err
		}
		page.Warnings = append(page.Warnings, res.Warnings...)
		for _, h := range res.Hits {
			ts := h.Event.Timestamp
			if (!from.IsZero() && ts < from.UnixNano()) || (!to.IsZero() && ts >= to.UnixNano()) {
				continue
			}
			if after != nil && !beyond(h.Event, *after, sr.Order) {
				continue
			}
			u := ts - mod(ts, int64(unit))
			if bounded && u != boundary {
				return sortedPage(page, sr.Order, limit, after != nil, true), nil
			}
			page.Hits = append(page.Hits, h)
			if len(page.Hits) == limit {
				bounded, boundary = true, u
			}
		}
		if res.Cursor == "" {
			return sortedPage(page, sr.Order, limit, after != nil, false), nil
		}
		if len(page.Hits) >= maxCollected {
			page.Warnings = append(page.Warnings, fmt.Sprintf(
				"more than %d events share the %s from %s: the rest of it is not shown; narrow the query",
				len(page.Hits), unitName(unit), time.Unix(0, boundary).UTC().Format("2006-01-02T15:04:05.000Z07:00")))
			return sortedPage(page, sr.Order, limit, after != nil, true), nil
		}
		cursor = res.Cursor
	}
}

// sortedPage orders a collected page as frames are ordered and names the
// position of its last row when more rows follow. A page beyond a position
// is cut to the limit: its successor starts at an exact position, so only
// pages that Grafana continues by time need their last unit complete.
func sortedPage(page logPage, order engine.Order, limit int, positioned, more bool) logPage {
	if order == engine.Asc {
		page.Hits = oldestFirst(page.Hits)
	} else {
		page.Hits = newestFirst(page.Hits)
	}
	if positioned && len(page.Hits) > limit {
		page.Hits, more = page.Hits[:limit], true
	}
	if more && len(page.Hits) > 0 {
		page.Next = position(page.Hits[len(page.Hits)-1].Event)
	}
	return page
}

// beyond says ev comes strictly after pos in the (timestamp, seq) order.
func beyond(ev engine.Event, pos engine.Cursor, order engine.Order) bool {
	if ev.Timestamp != pos.Timestamp {
		return (ev.Timestamp > pos.Timestamp) == (order == engine.Asc)
	}
	return (ev.Seq > pos.Seq) == (order == engine.Asc) && ev.Seq != pos.Seq
}

func unitName(unit time.Duration) string {
	if unit == time.Second {
		return "second"
	}
	return "millisecond"
}

// floorTime and ceilTime widen a bound to whole grains; zero stays open.
func floorTime(t time.Time, grain time.Duration) time.Time {
	if t.IsZero() || grain <= time.Nanosecond {
		return t
	}
	ns := t.UnixNano()
	return time.Unix(0, ns-mod(ns, int64(grain)))
}

func ceilTime(t time.Time, grain time.Duration) time.Time {
	if t.IsZero() || grain <= time.Nanosecond {
		return t
	}
	ns := t.UnixNano()
	if r := mod(ns, int64(grain)); r != 0 {
		ns += int64(grain) - r
	}
	return time.Unix(0, ns)
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
