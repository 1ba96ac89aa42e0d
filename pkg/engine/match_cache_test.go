package engine

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/pkg/query"
)

// TestMatchCacheAnswersRepeatedQueriesExactly runs random queries twice,
// as a dashboard refresh does: the second run takes whole blocks' matches
// from the cache, and both runs must count exactly what brute force
// counts. Then a repeated query must be answered from the cache alone.
func TestMatchCacheAnswersRepeatedQueriesExactly(t *testing.T) {
	e, events := loadgenEngine(t, 11, 30_000, 3, 2_000)
	g := &queryGen{rnd: rand.New(rand.NewPCG(3, 4)), events: events}
	schema := logsSchema(t, e)
	for i := 0; i < 120; i++ {
		node := g.node(2)
		text := query.Print(node)
		var start, end time.Time
		if i%2 == 1 {
			start, end = g.timeRange() // edges cut blocks: their whole rows are cached
		}
		f, err := query.Resolve(node, schema, start)
		if err != nil {
			t.Fatalf("resolve %s: %v", text, err)
		}
		want := len(bruteHits(f, events, start, end))
		for run := range 2 {
			res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: text, Start: start, End: end, Limit: 10, Order: Desc, CountTotal: true})
			if err != nil {
				t.Fatalf("query %d %q: %v", i, text, err)
			}
			if res.Total != int64(want) {
				t.Fatalf("query %d %q run %d: total %d, brute force %d", i, text, run, res.Total, want)
			}
		}
	}
	if st := e.MatchCacheStats(); st.Hits == 0 || st.Blocks == 0 {
		t.Fatalf("the cache was never used: %+v", st)
	}

	before := e.MatchCacheStats()
	for range 2 {
		if _, err := e.Aggregate(context.Background(), AggRequest{Index: "logs", Query: "severity:error"}); err != nil {
			t.Fatal(err)
		}
	}
	after := e.MatchCacheStats()
	if first := after.Misses - before.Misses; first == 0 || after.Hits-before.Hits != first {
		t.Fatalf("severity:error twice: %d misses then %d hits; want the second run's blocks all from the cache", first, after.Hits-before.Hits)
	}
	// A range whose edges cut blocks (a dashboard's "last hour"): the
	// second run takes those blocks from the cache too. One millisecond
	// in the middle of the data cuts every block it touches.
	mid := time.Unix(0, events[len(events)/2].Timestamp)
	start, end := mid, mid.Add(time.Millisecond)
	before = e.MatchCacheStats()
	for range 2 {
		if _, err := e.Aggregate(context.Background(), AggRequest{Index: "logs", Query: "severity:warn", Start: start, End: end}); err != nil {
			t.Fatal(err)
		}
	}
	after = e.MatchCacheStats()
	if first := after.Misses - before.Misses; first == 0 || after.Hits-before.Hits != first {
		t.Fatalf("severity:warn over %s–%s twice: %d misses then %d hits; want the second run's blocks all from the cache", start, end, first, after.Hits-before.Hits)
	}
}

// With the cache off, queries answer the same and count nothing.
func TestMatchCacheOff(t *testing.T) {
	opts := testOptions()
	opts.MatchCacheBytes = -1
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	gen := loadgen.New(loadgen.Config{Seed: 5, Count: 2000})
	var docs [][]byte
	for range 2000 {
		docs = append(docs, gen.AppendNext(nil))
	}
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush("logs"); err != nil {
		t.Fatal(err)
	}
	var totals []int64
	for range 2 {
		res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "severity:error", Limit: 1, CountTotal: true})
		if err != nil || res.Total == 0 {
			t.Fatalf("total %d, err %v", res.Total, err)
		}
		totals = append(totals, res.Total)
	}
	if totals[0] != totals[1] {
		t.Fatalf("totals %v differ", totals)
	}
	if st := e.MatchCacheStats(); st != (MatchCacheStats{}) {
		t.Fatalf("a cache that is off counted %+v", st)
	}
}

// Hits are read from blocks whose strings are decoded into reused buffers
// (column.Column.Borrow); each hit must keep its own values after the scan
// has moved on through other blocks and splits. The first run reads hits
// during the scan; the second, its matches cached, reads them at the end
// on every core (materialize).
func TestHitsKeepTheirValuesAcrossBlocks(t *testing.T) {
	e, events := loadgenEngine(t, 13, 40_000, 4, 1_000)
	schema := logsSchema(t, e)
	for _, q := range []string{"severity:error", "service:payment-service", "*"} {
		node, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		f, err := query.Resolve(node, schema, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := bruteHits(f, events, time.Time{}, time.Time{})
		for _, order := range []Order{Desc, Asc, Desc, Asc} {
			res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: q, Limit: 1000, Order: order})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) < 100 || len(res.Hits) != min(1000, len(want)) {
				t.Fatalf("%q: %d hits of %d; the test needs hits from many blocks", q, len(res.Hits), len(want))
			}
			for i, h := range res.Hits {
				w := want[i]
				if order == Desc {
					w = want[len(want)-1-i]
				}
				if fieldsString(h.Event) != fieldsString(*w) || h.Event.Timestamp != w.Timestamp || h.Event.Seq != w.Seq {
					t.Fatalf("%q order %d hit %d:\n got %d/%d %s\nwant %d/%d %s", q, order, i, h.Event.Timestamp, h.Event.Seq, fieldsString(h.Event), w.Timestamp, w.Seq, fieldsString(*w))
				}
			}
		}
	}
}
