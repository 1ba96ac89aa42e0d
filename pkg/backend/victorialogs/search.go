package victorialogs

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// maxTies bounds the rows read that share one nanosecond timestamp.
const maxTies = 100_000

// Search returns one page in (timestamp, row) order. VictoriaLogs has no
// row id to break ties, so rows sharing a timestamp are ordered by their
// content, and the cursor is (timestamp, rows of it already returned): a
// page ending inside a run of equal timestamps re-reads that run in the
// same order and skips what was returned, so paging neither skips nor
// repeats rows.
func (b *Backend) Search(ctx context.Context, req backend.SearchRequest) (backend.SearchResult, error) {
	limit, err := backend.PageLimit(req.Limit)
	if err != nil {
		return backend.SearchResult{}, err
	}
	desc := req.Order == engine.Desc
	start, end := req.Start, req.End
	var out []row
	if req.Cursor != "" {
		cur, err := parseCursor(req.Cursor)
		if err != nil {
			return backend.SearchResult{}, &engine.QueryError{Query: req.Query, Err: err}
		}
		ties, err := b.rowsAt(ctx, req, cur.ts)
		if err != nil {
			return backend.SearchResult{}, err
		}
		if cur.skip < len(ties) {
			out = ties[cur.skip:min(len(ties), cur.skip+limit)]
		}
		if len(out) == limit {
			return b.page(req.Index, out, cursor{ts: cur.ts, skip: cur.skip + limit}.String()), nil
		}
		// Continue strictly beyond the cursor's timestamp.
		if desc {
			end = time.Unix(0, cur.ts)
		} else {
			start = time.Unix(0, cur.ts+1)
		}
		if !start.IsZero() && !end.IsZero() && !start.Before(end) {
			return b.page(req.Index, out, ""), nil
		}
	}
	need := limit - len(out)
	filter, err := b.filter(req.Query, start, end, req.Now)
	if err != nil {
		return backend.SearchResult{}, err
	}
	dir := ""
	if desc {
		dir = " desc"
	}
	rows, err := b.query(ctx, filter+" | sort by (_time"+dir+") limit "+strconv.Itoa(need+1), need+1)
	if err != nil {
		return backend.SearchResult{}, err
	}
	sortRows(rows, desc)
	if len(rows) <= need {
		return b.page(req.Index, append(out, rows...), ""), nil
	}
	// More rows exist. Those strictly before the need-th row's timestamp
	// are all here; at that timestamp, take the first ones in content order.
	boundary := rows[need-1].ts
	kept := rows[:0:0]
	for _, r := range rows {
		if r.ts != boundary {
			if desc == (r.ts > boundary) {
				kept = append(kept, r)
			}
		}
	}
	ties, err := b.rowsAt(ctx, req, boundary)
	if err != nil {
		return backend.SearchResult{}, err
	}
	take := min(need-len(kept), len(ties))
	out = append(append(out, kept...), ties[:take]...)
	return b.page(req.Index, out, cursor{ts: boundary, skip: take}.String()), nil
}

// rowsAt returns every matching row at exactly ts, in content order.
func (b *Backend) rowsAt(ctx context.Context, req backend.SearchRequest, ts int64) ([]row, error) {
	at := time.Unix(0, ts)
	filter, err := b.filter(req.Query, at, at.Add(time.Nanosecond), req.Now)
	if err != nil {
		return nil, err
	}
	rows, err := b.query(ctx, filter+" | limit "+strconv.Itoa(maxTies+1), maxTies+1)
	if err != nil {
		return nil, err
	}
	if len(rows) > maxTies {
		return nil, fmt.Errorf("victorialogs: more than %d events share the timestamp %s; page with a narrower query", maxTies, at.UTC().Format(time.RFC3339Nano))
	}
	sortRows(rows, false)
	return rows, nil
}

// query runs a LogsQL query on /select/logsql/query.
func (b *Backend) query(ctx context.Context, q string, maxRows int) ([]row, error) {
	res, err := b.get(ctx, "/select/logsql/query", url.Values{"query": {q}})
	if err != nil {
		return nil, err
	}
	rows, err := parseRows(res.Body, maxRows)
	if err != nil {
		return nil, fmt.Errorf("victorialogs: /select/logsql/query: %w", err)
	}
	return rows, nil
}

func (b *Backend) page(index string, rows []row, next string) backend.SearchResult {
	hits := make([]engine.Hit, len(rows))
	for i, r := range rows {
		hits[i] = engine.Hit{Index: index, Event: b.event(r)}
	}
	return backend.SearchResult{SearchResult: engine.SearchResult{Hits: hits}, Cursor: next}
}

// sortRows orders by time (newest first when desc), ties by content.
func sortRows(rows []row, desc bool) {
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].ts != rows[j].ts {
			return desc == (rows[i].ts > rows[j].ts)
		}
		return rows[i].raw < rows[j].raw
	})
}

// cursor is a page position: a timestamp and the rows at it already returned.
type cursor struct {
	ts   int64
	skip int
}

func (c cursor) String() string {
	return "vl1:" + strconv.FormatInt(c.ts, 10) + ":" + strconv.Itoa(c.skip)
}

func parseCursor(s string) (cursor, error) {
	rest, ok := strings.CutPrefix(s, "vl1:")
	ts, skip, ok2 := strings.Cut(rest, ":")
	t, err1 := strconv.ParseInt(ts, 10, 64)
	k, err2 := strconv.Atoi(skip)
	if !ok || !ok2 || err1 != nil || err2 != nil || k < 0 {
		return cursor{}, fmt.Errorf("cursor %q is not a VictoriaLogs page cursor; pass the cursor of the previous page unchanged", s)
	}
	return cursor{ts: t, skip: k}, nil
}
