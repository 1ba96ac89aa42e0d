package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// sameTimeDocs gives n events sharing a handful of timestamps, so paging
// must rely on seq to neither skip nor repeat.
func sameTimeDocs(from, n int) [][]byte {
	docs := make([][]byte, n)
	for i := range docs {
		id := from + i
		docs[i] = fmt.Appendf(nil, `{"timestamp":"2026-01-15T14:00:0%dZ","id":%d,"message":"tick %d","severity":"info"}`, id%3, id, id)
	}
	return docs
}

func TestSearchPagingSharedTimestamps(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	for part := 0; part < 3; part++ {
		if _, err := e.Ingest(context.Background(), "logs", sameTimeDocs(part*400, 400), IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
		if part < 2 {
			if err := ix.flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, order := range []Order{Desc, Asc} {
		for _, limit := range []int{1, 7, 100, 1200} {
			seen := map[int64]bool{}
			var after *search.Cursor
			var prev *event.Event
			for pages := 0; ; pages++ {
				res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "tick", Limit: limit, Order: order, After: after})
				if err != nil {
					t.Fatal(err)
				}
				for i := range res.Hits {
					ev := &res.Hits[i].Event
					id, _ := ev.Get("id")
					if seen[id.Int()] {
						t.Fatalf("order %d limit %d: event %d returned twice", order, limit, id.Int())
					}
					seen[id.Int()] = true
					if prev != nil && (order == Desc) != ev.Before(prev) {
						t.Fatalf("order %d limit %d: (%d,%d) after (%d,%d)", order, limit, ev.Timestamp, ev.Seq, prev.Timestamp, prev.Seq)
					}
					prev = ev
				}
				if res.Next == nil {
					break
				}
				// The cursor travels as text between requests.
				c, err := search.ParseCursor(res.Next.String())
				if err != nil || c != *res.Next {
					t.Fatalf("cursor round trip %v: %v, %v", res.Next, c, err)
				}
				after = &c
			}
			if len(seen) != 1200 {
				t.Fatalf("order %d limit %d: %d distinct events over all pages, want 1200", order, limit, len(seen))
			}
		}
	}
}

func TestSearchErrors(t *testing.T) {
	e := filterEngine(t)
	strict := filterIndexConfig("strict")
	strict.DocMapping.Mode = ModeStrict
	if err := e.CreateIndex(strict); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		req  SearchRequest
		want string
	}{
		{"limit above the maximum", SearchRequest{Index: "head", Limit: 20_000}, "search limit 20000: use 1 to 10000 rows"},
		{"unknown index", SearchRequest{Index: "nope"}, "index not found"},
		{"typed value", SearchRequest{Index: "head", Query: "n:abc"}, "field 'n' holds non-negative whole numbers; 'abc' is not"},
		{"strict mapping", SearchRequest{Index: "strict", Query: "lvl:x"}, "unknown field 'lvl'"},
		{"empty range", SearchRequest{Index: "head", Start: aggFrom, End: aggFrom}, "the end must be after the start"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Search(context.Background(), c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	t.Run("syntax error keeps its position", func(t *testing.T) {
		_, err := e.Search(context.Background(), SearchRequest{Index: "head", Query: "level:(error"})
		var qe *QueryError
		var se *query.SyntaxError
		if !errors.As(err, &qe) || !errors.As(err, &se) || se.Column < 1 {
			t.Fatalf("error %v (%T), want a QueryError wrapping a SyntaxError", err, err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := e.Search(ctx, SearchRequest{Index: "flushed"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
}

// TestSearchSkipsCorruptSplit damages one split's column data: the query
// still answers from the other split and the head, and names the damaged one.
func TestSearchSkipsCorruptSplit(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	victim := splitsWithOneDamaged(t, e, 2, 1, 7)
	res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "request", Limit: 1000, CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SkippedSplits) != 1 || res.SkippedSplits[0] != victim.Meta.ID || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "corrupt") || !strings.Contains(res.Warnings[0], victim.Meta.ID) {
		t.Fatalf("skipped %v, warnings %v", res.SkippedSplits, res.Warnings)
	}
	if len(res.Hits) != 200 {
		t.Fatalf("%d hits from the intact split and the head, want 200", len(res.Hits))
	}
	agg, err := e.Aggregate(context.Background(), AggRequest{Index: "logs", Aggs: []Agg{{Name: "s", Terms: &TermsAgg{Field: "severity"}}}})
	if err != nil || agg.DocCount != 200 || len(agg.SkippedSplits) != 1 {
		t.Fatalf("aggregate: %d docs, skipped %v, %v", agg.DocCount, agg.SkippedSplits, err)
	}
}

// TestSearchWhileIngesting runs searches and aggregations while batches
// are ingested and flushed; run with -race. Every answer must be a
// consistent count: never more than was ingested, never decreasing.
func TestSearchWhileIngesting(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	const batches = 30
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < batches; i++ {
			if _, err := e.Ingest(context.Background(), "logs", testDocs(i*50, 50), IngestOptions{Commit: CommitForce}); err != nil {
				t.Error(err)
				return
			}
			if i%5 == 4 {
				if err := ix.flush(); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var last int64
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "request", Limit: 10, CountTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total < last || res.Total > batches*50 || len(res.SkippedSplits) > 0 {
			t.Fatalf("total %d after %d (skipped %v)", res.Total, last, res.SkippedSplits)
		}
		last = res.Total
		agg, err := e.Aggregate(context.Background(), AggRequest{Index: "logs", Start: aggFrom.Add(4 * time.Hour), End: aggFrom.Add(5 * time.Hour),
			Aggs: []Agg{{Name: "m", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, b := range agg.Aggs[0].Buckets {
			sum += b.DocCount
		}
		if sum != agg.DocCount {
			t.Fatalf("buckets hold %d of %d docs", sum, agg.DocCount)
		}
	}
	res, err := e.Search(context.Background(), SearchRequest{Index: "logs", CountTotal: true})
	if err != nil || res.Total != batches*50 {
		t.Fatalf("final total %d, %v", res.Total, err)
	}
}

// TestSearchWithoutDamagedTermIndex damages a split's term index: the
// query scans that split's blocks without it, answers in full and says so.
func TestSearchWithoutDamagedTermIndex(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	if _, err := e.Ingest(context.Background(), "logs", testDocs(0, 100), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	snap, _ := e.Snapshot("logs")
	s := snap.Splits()[0]
	snap.Release()
	damaged := 0
	err := filepath.Walk(filepath.Join(s.Path(), split.SplitTermsDir), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() == 0 {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		data[len(data)/2] ^= 0xFF
		damaged++
		return os.WriteFile(path, data, 0o644)
	})
	if err != nil || damaged == 0 {
		t.Fatalf("damaging the term index: %d files, %v", damaged, err)
	}
	res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "message:request", Limit: 1000, CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 100 || len(res.SkippedSplits) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "without its term index") {
		t.Fatalf("total %d, skipped %v, warnings %v", res.Total, res.SkippedSplits, res.Warnings)
	}
}
