package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// The search benchmarks run the six dashboard queries of notes/engine.md
// over loadgen's incident day. TRIAGE_BENCH_EVENTS sets the event count
// (default 1M; `mage bench` uses 10M). The store is built once and kept in
// the temp directory, keyed by count, so later runs start at once.

const benchSplitEvents = 250_000

var benchStore = struct {
	once sync.Once
	e    *Engine
	err  error
	n    int
}{}

func benchEngine(b *testing.B) *Engine {
	b.Helper()
	benchStore.once.Do(func() {
		n := 1_000_000
		if s := os.Getenv("TRIAGE_BENCH_EVENTS"); s != "" {
			if v, err := strconv.Atoi(s); err == nil && v > 0 {
				n = v
			}
		}
		benchStore.n = n
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("triage-search-bench-v1-%d", n))
		benchStore.e, benchStore.err = openBenchStore(dir, n)
	})
	if benchStore.err != nil {
		b.Fatal(benchStore.err)
	}
	return benchStore.e
}

// openBenchStore opens the cached store, or builds it: n events ingested
// in batches and flushed every benchSplitEvents, nothing left in the head.
func openBenchStore(dir string, n int) (*Engine, error) {
	opts := Options{CommitTimeout: time.Hour, FlushAge: time.Hour, FlushBytes: 1 << 40, MaxBufferBytes: 1 << 40}
	if e, err := Open(dir, opts); err == nil {
		if _, st, err := e.DescribeIndex(DefaultIndexID); err == nil && st.Events == int64(n) && st.HeadEvents == 0 {
			return e, nil
		}
		e.Close()
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	e, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	ix, _ := e.lookup(DefaultIndexID)
	gen := loadgen.New(loadgen.Config{Seed: 42, Count: n})
	batch := make([][]byte, 0, 5000)
	for i := 1; i <= n; i++ {
		batch = append(batch, gen.AppendNext(nil))
		if len(batch) == cap(batch) || i == n {
			if _, err := e.Ingest(context.Background(), DefaultIndexID, batch, IngestOptions{Commit: CommitForce}); err != nil {
				return nil, err
			}
			batch = batch[:0]
		}
		if i%benchSplitEvents == 0 || i == n {
			if err := ix.flush(); err != nil {
				return nil, err
			}
		}
	}
	return e, nil
}

func benchSpan() (time.Time, time.Time) {
	return loadgen.DefaultStart, loadgen.DefaultStart.Add(loadgen.DefaultSpan)
}

func runSearchBench(b *testing.B, req SearchRequest, want func(SearchResult) bool) {
	e := benchEngine(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Search(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if !want(res) {
			b.Fatalf("unexpected result: %d hits", len(res.Hits))
		}
	}
}

func runAggBench(b *testing.B, req AggRequest) {
	e := benchEngine(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Aggregate(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if res.DocCount == 0 {
			b.Fatal("the benchmark query matched nothing")
		}
	}
}

// (a) a needle: the incident's exception name, newest 100.
func BenchmarkSearchRareToken(b *testing.B) {
	start, end := benchSpan()
	runSearchBench(b, SearchRequest{Index: DefaultIndexID, Query: loadgen.IncidentException, Start: start, End: end, Limit: 100},
		func(r SearchResult) bool { return len(r.Hits) > 0 })
}

// (b) a structured filter, newest 100.
func BenchmarkSearchFilterNewest100(b *testing.B) {
	start, end := benchSpan()
	runSearchBench(b, SearchRequest{Index: DefaultIndexID, Query: "severity:error AND service:payment-service", Start: start, End: end, Limit: 100},
		func(r SearchResult) bool { return len(r.Hits) == 100 })
}

// (c) error count per minute over 24 h.
func BenchmarkAggErrorsPerMinute(b *testing.B) {
	start, end := benchSpan()
	runAggBench(b, AggRequest{Index: DefaultIndexID, Query: "severity:error", Start: start, End: end,
		Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}})
}

// (d) p99 latency per minute for one service.
func BenchmarkAggP99PerMinute(b *testing.B) {
	start, end := benchSpan()
	runAggBench(b, AggRequest{Index: DefaultIndexID, Query: "service:payment-service", Start: start, End: end,
		Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}, Subs: []Agg{
			{Name: "p99", Metric: &MetricAgg{Kind: MetricPercentiles, Field: "latency_ms", Percents: []float64{99}}}}}}})
}

// (e) top 10 endpoints by error count.
func BenchmarkAggTopEndpointsByErrors(b *testing.B) {
	start, end := benchSpan()
	runAggBench(b, AggRequest{Index: DefaultIndexID, Query: "severity:error", Start: start, End: end,
		Aggs: []Agg{{Name: "ep", Terms: &TermsAgg{Field: "endpoint", Size: 10}}}})
}

// (f) count by status code, over the whole day and over one hour.
func BenchmarkAggCountByStatus(b *testing.B) {
	start, end := benchSpan()
	for _, c := range []struct {
		name       string
		start, end time.Time
	}{{"24h", start, end}, {"1h", start.Add(12 * time.Hour), start.Add(13 * time.Hour)}} {
		b.Run(c.name, func(b *testing.B) {
			runAggBench(b, AggRequest{Index: DefaultIndexID, Start: c.start, End: c.end,
				Aggs: []Agg{{Name: "codes", Terms: &TermsAgg{Field: "status_code", Size: 20}}}})
		})
	}
}

// BenchmarkHeadErrorsPerMinute runs (c) over events still in the head
// (200k, about what FlushBytes holds), evaluated event by event.
func BenchmarkHeadErrorsPerMinute(b *testing.B) {
	opts := Options{CommitTimeout: time.Hour, FlushAge: time.Hour, FlushBytes: 1 << 40, MaxBufferBytes: 1 << 40}
	e, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	gen := loadgen.New(loadgen.Config{Seed: 5, Count: 200_000})
	batch := make([][]byte, 0, 5000)
	for i := 1; i <= 200_000; i++ {
		batch = append(batch, gen.AppendNext(nil))
		if len(batch) == cap(batch) {
			if _, err := e.Ingest(context.Background(), DefaultIndexID, batch, IngestOptions{Commit: CommitForce}); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	start, end := benchSpan()
	req := AggRequest{Index: DefaultIndexID, Query: "severity:error", Start: start, End: end,
		Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := e.Aggregate(context.Background(), req)
		if err != nil || res.DocCount == 0 {
			b.Fatalf("%d docs, %v", res.DocCount, err)
		}
	}
}

// BenchmarkAggErrorsPerMinuteByService groups (c) by service, top 5: the
// terms runs a counting pass, then the per-minute pass for its top keys.
func BenchmarkAggErrorsPerMinuteByService(b *testing.B) {
	start, end := benchSpan()
	runAggBench(b, AggRequest{Index: DefaultIndexID, Query: "severity:error", Start: start, End: end,
		Aggs: []Agg{{Name: "s", Terms: &TermsAgg{Field: "service", Size: 5}, Subs: []Agg{
			{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}}}})
}

// BenchmarkAggHeatmap is the incident dashboard's heatmap: latency buckets
// per minute over the day.
func BenchmarkAggHeatmap(b *testing.B) {
	start, end := benchSpan()
	runAggBench(b, AggRequest{Index: DefaultIndexID, Query: "*", Start: start, End: end,
		Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}, Subs: []Agg{
			{Name: "h", Histogram: &HistogramAgg{Field: "latency_ms", Bounds: []float64{10, 50, 100, 250, 500, 1000, 2500}}}}}}})
}
