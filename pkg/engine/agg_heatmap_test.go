package engine

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"
)

// The heatmap fast path counts exactly what a brute-force pass over the
// events counts, over splits and head, for float and integer fields.
func TestHeatmapMatchesBruteForce(t *testing.T) {
	e, events := loadgenEngine(t, 5, 20_000, 3, 2_000)
	for _, c := range []struct {
		field  string
		bounds []float64
	}{
		{"latency_ms", []float64{10, 50, 100, 250, 500, 1000, 2500}},
		{"status_code", []float64{200, 299, 404, 499}},
		{"latency_ms", []float64{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181}},
	} {
		start := time.Unix(0, events[0].Timestamp).Truncate(time.Hour)
		end := time.Unix(0, events[len(events)-1].Timestamp).Add(time.Hour)
		interval := 7 * time.Minute
		res, err := e.Aggregate(context.Background(), AggRequest{Index: "logs", Start: start, End: end, Aggs: []Agg{
			{Name: "t", DateHistogram: &DateHistogramAgg{Interval: interval}, Subs: []Agg{
				{Name: "h", Histogram: &HistogramAgg{Field: c.field, Bounds: c.bounds}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		// start is after the epoch, so the division floors as the
		// collector's epoch alignment does.
		origin := start.UnixNano() / int64(interval) * int64(interval)
		want := map[[2]int]int64{}
		for i := range events {
			v, ok := events[i].Get(c.field)
			if !ok {
				continue
			}
			f, ok := v.AsFloat()
			if !ok || math.IsNaN(f) {
				continue
			}
			bucket := int((events[i].Timestamp - origin) / int64(interval))
			want[[2]int{bucket, sort.SearchFloat64s(c.bounds, f)}]++
		}
		got := map[[2]int]int64{}
		for bi, b := range res.Aggs[0].Buckets {
			for _, sub := range b.Aggs {
				for hi, hb := range sub.Buckets {
					if hb.DocCount > 0 {
						got[[2]int{bi, hi}] = hb.DocCount
					}
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d non-empty cells, want %d", c.field, len(got), len(want))
		}
		for k, n := range want {
			if got[k] != n {
				t.Fatalf("%s: cell %v holds %d, want %d", c.field, k, got[k], n)
			}
		}
	}
}
