package aggresult

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

var from = time.Date(2026, 1, 15, 14, 0, 30, 0, time.UTC)

// TestCheckIsTheEngines: remote backends refuse with the engine's words.
func TestCheckIsTheEngines(t *testing.T) {
	for _, tc := range []struct {
		aggs []engine.Agg
		want string
	}{
		{[]engine.Agg{{Name: "m", Metric: &engine.MetricAgg{Kind: engine.MetricAvg}}}, "metric avg needs a field"},
		{[]engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: time.Millisecond}}}, "buckets, more than the limit"},
		{[]engine.Agg{{Name: "h", Histogram: &engine.HistogramAgg{Field: "x", Bounds: []float64{2, 1}}}}, "strictly increasing"},
	} {
		err := Check(engine.AggRequest{Start: from, End: from.Add(time.Hour), Aggs: tc.aggs})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%s) = %v, want %q", tc.aggs[0].Name, err, tc.want)
		}
	}
}

// TestDateBucketsLikeTheEngine: epoch-aligned buckets covering [from, to),
// the first starting before from.
func TestDateBucketsLikeTheEngine(t *testing.T) {
	origin, n := DateBuckets(from, from.Add(time.Hour), time.Minute)
	if time.Unix(0, origin).UTC() != from.Truncate(time.Minute) || n != 61 {
		t.Fatalf("origin %s, %d buckets", time.Unix(0, origin).UTC(), n)
	}
}

func TestTermsOrderAndCut(t *testing.T) {
	bs := []engine.Bucket{{Key: "b", DocCount: 2}, {Key: "10", DocCount: 5}, {Key: "a", DocCount: 2}, {Key: "9", DocCount: 1}}
	SortTerms(bs, false)
	kept, other := Cut(bs, 3)
	if kept[0].Key != "10" || kept[1].Key != "a" || kept[2].Key != "b" || other != 1 {
		t.Fatalf("kept %v other %d", kept, other)
	}
	SortTerms(bs, true)
	if bs[0].Key != "9" || bs[1].Key != "10" || bs[2].Key != "a" {
		t.Fatalf("by key: %v (numbers numerically, before text)", bs)
	}
}

func TestEmptyResults(t *testing.T) {
	got := Empty([]engine.Agg{
		{Name: "h", Histogram: &engine.HistogramAgg{Field: "x", Bounds: []float64{1, 2}}},
		{Name: "p", Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: "x"}},
	})
	if len(got[0].Buckets) != 3 || !math.IsInf(got[0].Buckets[2].KeyNum, 1) || len(got[1].Metric.Percentiles) != 3 || !math.IsNaN(got[1].Metric.Percentiles[0].Value) {
		t.Fatalf("empty results %+v", got)
	}
}
