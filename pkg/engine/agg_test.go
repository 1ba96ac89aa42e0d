package engine

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/split"
)

var aggDocs = []string{
	`{"ts":"2026-01-15T10:00:10Z","id":1,"level":"error","n":10,"dyn":"a"}`,
	`{"ts":"2026-01-15T10:00:20Z","id":2,"level":"error","n":20,"dyn":"b"}`,
	`{"ts":"2026-01-15T10:00:30Z","id":3,"level":"warn","n":30,"dyn":"a"}`,
	`{"ts":"2026-01-15T10:02:00Z","id":4,"level":"info","n":40}`,
	`{"ts":"2026-01-15T10:02:30Z","id":5,"level":"info"}`,
}

func aggEngine(t *testing.T) *Engine {
	t.Helper()
	e := openTestEngine(t, t.TempDir(), testOptions())
	t.Cleanup(func() { e.Close() })
	docs := make([][]byte, len(aggDocs))
	for i, d := range aggDocs {
		docs[i] = []byte(d)
	}
	for _, id := range []string{"flushed", "head"} {
		if err := e.CreateIndex(filterIndexConfig(id)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ingest(context.Background(), id, docs, IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
	}
	ix, _ := e.lookup("flushed")
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	return e
}

var aggFrom = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func bucketCounts(v AggValue) (keys []string, counts []int64) {
	for _, b := range v.Buckets {
		keys = append(keys, b.Key)
		counts = append(counts, b.DocCount)
	}
	return keys, counts
}

func TestAggregations(t *testing.T) {
	e := aggEngine(t)
	cases := []struct {
		name  string
		query string
		agg   Agg
		check func(t *testing.T, v AggValue)
	}{
		{"date histogram fills empty minutes", "", Agg{DateHistogram: &DateHistogramAgg{Interval: time.Minute}}, func(t *testing.T, v AggValue) {
			wantCounts(t, v, []int64{3, 0, 2, 0, 0})
			if v.Buckets[1].Key != "2026-01-15T10:01:00Z" || v.Buckets[1].KeyNum != float64(aggFrom.Add(time.Minute).UnixMilli()) {
				t.Fatalf("bucket 1 key %q %v", v.Buckets[1].Key, v.Buckets[1].KeyNum)
			}
		}},
		{"date histogram with a filter", "level:error", Agg{DateHistogram: &DateHistogramAgg{Interval: 2 * time.Minute}}, func(t *testing.T, v AggValue) {
			wantCounts(t, v, []int64{2, 0, 0})
		}},
		{"terms by count then key, other, missing", "", Agg{Terms: &TermsAgg{Field: "dyn", Size: 1}}, func(t *testing.T, v AggValue) {
			keys, counts := bucketCounts(v)
			if strings.Join(keys, ",") != "a" || counts[0] != 2 || v.Other != 1 || v.Missing != 2 {
				t.Fatalf("buckets %v %v other %d missing %d", keys, counts, v.Other, v.Missing)
			}
		}},
		{"terms by key", "", Agg{Terms: &TermsAgg{Field: "level", OrderByKey: true}}, func(t *testing.T, v AggValue) {
			if keys, _ := bucketCounts(v); strings.Join(keys, ",") != "error,info,warn" {
				t.Fatalf("keys %v", keys)
			}
		}},
		{"numeric terms order numerically", "", Agg{Terms: &TermsAgg{Field: "n", OrderByKey: true}}, func(t *testing.T, v AggValue) {
			if keys, _ := bucketCounts(v); strings.Join(keys, ",") != "10,20,30,40" || v.Missing != 1 {
				t.Fatalf("keys %v missing %d", keys, v.Missing)
			}
		}},
		{"histogram interval fills gaps", "", Agg{Histogram: &HistogramAgg{Field: "n", Interval: 15}}, func(t *testing.T, v AggValue) {
			keys, counts := bucketCounts(v)
			if strings.Join(keys, ",") != "0,15,30" || counts[0] != 1 || counts[1] != 1 || counts[2] != 2 {
				t.Fatalf("keys %v counts %v", keys, counts)
			}
		}},
		{"histogram bounds are (lo, hi] plus overflow", "", Agg{Histogram: &HistogramAgg{Field: "n", Bounds: []float64{10, 30}}}, func(t *testing.T, v AggValue) {
			keys, counts := bucketCounts(v)
			if strings.Join(keys, ",") != "10,30,+Inf" || counts[0] != 1 || counts[1] != 2 || counts[2] != 1 {
				t.Fatalf("keys %v counts %v", keys, counts)
			}
		}},
		{"stats", "", Agg{Metric: &MetricAgg{Kind: MetricStats, Field: "n"}}, func(t *testing.T, v AggValue) {
			m := v.Metric
			if m.Count != 4 || m.Sum != 100 || m.Min != 10 || m.Max != 40 || m.Avg != 25 {
				t.Fatalf("stats %+v", m)
			}
		}},
		{"metrics of nothing are NaN", "level:nope", Agg{Metric: &MetricAgg{Kind: MetricAvg, Field: "n"}}, func(t *testing.T, v AggValue) {
			if v.Metric.Count != 0 || !math.IsNaN(v.Metric.Avg) || !math.IsNaN(v.Metric.Min) {
				t.Fatalf("empty avg %+v", v.Metric)
			}
		}},
		{"count without a field counts documents", "level:info", Agg{Metric: &MetricAgg{Kind: MetricCount}}, func(t *testing.T, v AggValue) {
			if v.Metric.Count != 2 {
				t.Fatalf("count %d", v.Metric.Count)
			}
		}},
		{"percentiles", "", Agg{Metric: &MetricAgg{Kind: MetricPercentiles, Field: "n", Percents: []float64{0, 100}}}, func(t *testing.T, v AggValue) {
			p := v.Metric.Percentiles
			if math.Abs(p[0].Value-10) > 0.1 || math.Abs(p[1].Value-40) > 0.4 {
				t.Fatalf("percentiles %+v", p)
			}
		}},
		{"max of the timestamp field", "level:error", Agg{Metric: &MetricAgg{Kind: MetricMax, Field: "ts"}}, func(t *testing.T, v AggValue) {
			if want := float64(aggFrom.Add(20 * time.Second).UnixNano()); v.Metric.Max != want || v.Metric.Count != 2 {
				t.Fatalf("max ts %v count %d, want %v", v.Metric.Max, v.Metric.Count, want)
			}
		}},
		{"cardinality", "", Agg{Metric: &MetricAgg{Kind: MetricCardinality, Field: "level"}}, func(t *testing.T, v AggValue) {
			if v.Metric.Cardinality != 3 {
				t.Fatalf("cardinality %d", v.Metric.Cardinality)
			}
		}},
		{"terms in terms with a metric, top keys only", "", Agg{Terms: &TermsAgg{Field: "level", Size: 1}, Subs: []Agg{
			{Name: "d", Terms: &TermsAgg{Field: "dyn", Size: 1}, Subs: []Agg{{Name: "s", Metric: &MetricAgg{Kind: MetricSum, Field: "n"}}}}}}, func(t *testing.T, v AggValue) {
			if len(v.Buckets) != 1 || v.Buckets[0].Key != "error" || v.Buckets[0].DocCount != 2 || v.Other != 3 {
				t.Fatalf("outer %+v other %d", v.Buckets, v.Other)
			}
			in := v.Buckets[0].Aggs[0]
			if len(in.Buckets) != 1 || in.Buckets[0].Key != "a" || in.Other != 1 || in.Buckets[0].Aggs[0].Metric.Sum != 10 {
				t.Fatalf("inner %+v other %d", in.Buckets, in.Other)
			}
		}},
		{"terms under a date histogram", "", Agg{DateHistogram: &DateHistogramAgg{Interval: 2 * time.Minute}, Subs: []Agg{
			{Name: "lv", Terms: &TermsAgg{Field: "level"}}}}, func(t *testing.T, v AggValue) {
			first, empty := v.Buckets[0].Aggs[0], v.Buckets[2].Aggs[0]
			if keys, counts := bucketCounts(first); strings.Join(keys, ",") != "error,warn" || counts[0] != 2 {
				t.Fatalf("first bucket terms %v %v", keys, counts)
			}
			if len(empty.Buckets) != 0 || v.Buckets[1].Aggs[0].Buckets[0].Key != "info" {
				t.Fatalf("later buckets %+v %+v", v.Buckets[1].Aggs, empty)
			}
		}},
	}
	for _, c := range cases {
		for _, index := range []string{"flushed", "head"} {
			t.Run(index+"/"+c.name, func(t *testing.T) {
				c.agg.Name = "x"
				res, err := e.Aggregate(context.Background(), AggRequest{Index: index, Query: c.query, Start: aggFrom, End: aggFrom.Add(5 * time.Minute), Aggs: []Agg{c.agg}})
				if err != nil {
					t.Fatal(err)
				}
				if res.Aggs[0].Name != "x" {
					t.Fatalf("name %q", res.Aggs[0].Name)
				}
				c.check(t, res.Aggs[0])
			})
		}
	}
}

func wantCounts(t *testing.T, v AggValue, want []int64) {
	t.Helper()
	_, counts := bucketCounts(v)
	if len(counts) != len(want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	for i := range want {
		if counts[i] != want[i] {
			t.Fatalf("counts %v, want %v", counts, want)
		}
	}
}

func TestAggregateGuardrails(t *testing.T) {
	e := aggEngine(t)
	day := AggRequest{Index: "head", Start: aggFrom, End: aggFrom.Add(24 * time.Hour)}
	cases := []struct {
		name string
		aggs []Agg
		want string
	}{
		{"too many date buckets", []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Second}}},
			"the query would make 86400 buckets, more than the limit of 65536; widen the interval"},
		{"nested buckets multiply", []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}, Subs: []Agg{
			{Name: "s", Terms: &TermsAgg{Field: "level", Size: 100}}}}}, "the query would make 145440 buckets"},
		{"no interval", []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{}}}, `aggregation "t": date_histogram needs a positive interval`},
		{"two kinds", []Agg{{Name: "t", Terms: &TermsAgg{Field: "a"}, Metric: &MetricAgg{Kind: MetricSum, Field: "n"}}}, "set exactly one of"},
		{"unknown metric", []Agg{{Name: "m", Metric: &MetricAgg{Kind: "median", Field: "n"}}}, `unknown metric "median"`},
		{"bad bounds", []Agg{{Name: "h", Histogram: &HistogramAgg{Field: "n", Bounds: []float64{5, 5}}}}, "strictly increasing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := day
			req.Aggs = c.aggs
			_, err := e.Aggregate(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	t.Run("histogram interval too fine for the data", func(t *testing.T) {
		req := day
		req.MaxBuckets = 10
		req.Aggs = []Agg{{Name: "h", Histogram: &HistogramAgg{Field: "n", Interval: 1}}}
		if _, err := e.Aggregate(context.Background(), req); err == nil || !strings.Contains(err.Error(), "buckets") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("date histogram needs a range", func(t *testing.T) {
		_, err := e.Aggregate(context.Background(), AggRequest{Index: "head", Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}})
		if err == nil || !strings.Contains(err.Error(), "needs a time range") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := e.Aggregate(ctx, AggRequest{Index: "flushed", Aggs: []Agg{{Name: "c", Metric: &MetricAgg{Kind: MetricCount}}}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
}

// TestCountsSkipColumnData damages every column chunk of a split: counts
// whose buckets each hold whole blocks must still come from the metadata
// alone, with nothing skipped, while a query that needs a column reports
// the damage.
func TestCountsSkipColumnData(t *testing.T) {
	e := aggEngine(t)
	snap, _ := e.Snapshot("flushed")
	s := snap.Splits()[0]
	snap.Release()
	path := filepath.Join(s.Path(), split.SplitDataFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] ^= 0xFF
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := e.Aggregate(context.Background(), AggRequest{Index: "flushed", Start: aggFrom, End: aggFrom.Add(time.Hour),
		Aggs: []Agg{{Name: "h", DateHistogram: &DateHistogramAgg{Interval: time.Hour}}}})
	if err != nil || res.DocCount != 5 || res.Aggs[0].Buckets[0].DocCount != 5 || len(res.SkippedSplits) != 0 {
		t.Fatalf("hourly count: %+v, %v", res, err)
	}
	res, err = e.Aggregate(context.Background(), AggRequest{Index: "flushed", Query: "level:error", Start: aggFrom, End: aggFrom.Add(time.Hour),
		Aggs: []Agg{{Name: "h", DateHistogram: &DateHistogramAgg{Interval: time.Hour}}}})
	if err != nil || res.DocCount != 0 || len(res.SkippedSplits) != 1 {
		t.Fatalf("filtered count over a damaged split: %+v, %v", res, err)
	}
}
