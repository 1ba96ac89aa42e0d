package engine

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/query"
)

// TestSearchMatchesBruteForce runs random queries over events split
// between splits and the head and compares hits, order, counts and paging
// with the brute-force evaluator.
func TestSearchMatchesBruteForce(t *testing.T) {
	e, events := loadgenEngine(t, 7, 25_000, 3, 3_000)
	g := &queryGen{rnd: rand.New(rand.NewPCG(1, 2)), events: events}
	schema := logsSchema(t, e)
	for i := 0; i < 250; i++ {
		node := g.node(2)
		text := query.Print(node)
		start, end := g.timeRange()
		f, err := query.Resolve(node, schema, start)
		if err != nil {
			t.Fatalf("resolve %s: %v", text, err)
		}
		want := bruteHits(f, events, start, end)
		order := Order(g.rnd.IntN(2))
		if order == Desc {
			for a, b := 0, len(want)-1; a < b; a, b = a+1, b-1 {
				want[a], want[b] = want[b], want[a]
			}
		}
		limit := 1 + g.rnd.IntN(40)
		if i%10 == 0 {
			limit = min(1+len(want)/3, MaxSearchLimit)
		}
		var after *search.Cursor
		got, walked := 0, true
		for page := 0; ; page++ {
			res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: text, Start: start, End: end,
				Limit: limit, Order: order, After: after, CountTotal: page == 0})
			if err != nil {
				t.Fatalf("query %d %q: %v", i, text, err)
			}
			if page == 0 && res.Total != int64(len(want)) {
				t.Fatalf("query %d %q [%v, %v): total %d, brute force %d", i, text, start, end, res.Total, len(want))
			}
			for _, h := range res.Hits {
				if got >= len(want) {
					t.Fatalf("query %q: more hits than the %d matches", text, len(want))
				}
				w := want[got]
				if h.Event.Timestamp != w.Timestamp || h.Event.Seq != w.Seq {
					t.Fatalf("query %d %q order %d page %d: hit %d is (%d,%d), want (%d,%d)", i, text, order, page, got, h.Event.Timestamp, h.Event.Seq, w.Timestamp, w.Seq)
				}
				got++
			}
			if res.Next == nil {
				break
			}
			if len(res.Hits) != limit {
				t.Fatalf("query %q: a page of %d hits before the last, limit %d", text, len(res.Hits), limit)
			}
			after = res.Next
			if i%10 != 0 && page > 0 {
				// Most queries check the first two pages; every tenth walks them all.
				walked = false
				break
			}
		}
		if walked && got != len(want) {
			t.Fatalf("query %q: paging returned %d of %d matches", text, got, len(want))
		}
	}
}
