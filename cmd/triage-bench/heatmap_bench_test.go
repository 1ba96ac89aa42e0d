package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// BenchmarkHeatmapAggregate is the dashboard's heatmap panel as the plugin
// asks the engine for it (1-minute columns of latency_ms buckets over the
// day), on a kept store: TRIAGE_BENCH_STORE=<dir from -keep>. It exists to
// profile the panel that dominates a dashboard refresh (-cpuprofile).
func BenchmarkHeatmapAggregate(b *testing.B) {
	dir := os.Getenv("TRIAGE_BENCH_STORE")
	if dir == "" {
		b.Skip("set TRIAGE_BENCH_STORE to a store kept by triage-bench -keep")
	}
	eng, err := engine.Open(dir, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	// A kept store may flush its WAL and merge after opening: time it at rest.
	settle(context.Background(), 2*time.Second, 5*time.Minute)
	req := engine.AggRequest{Index: engine.DefaultIndexID, Query: "*", Start: loadgen.DefaultStart, End: loadgen.DefaultStart.Add(loadgen.DefaultSpan),
		Aggs: []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute},
			Subs: []engine.Agg{{Name: "h", Histogram: &engine.HistogramAgg{Field: "latency_ms", Bounds: []float64{10, 50, 100, 250, 500, 1000, 2500}}}}}}}
	for b.Loop() {
		res, err := eng.Aggregate(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if res.DocCount == 0 || len(res.Aggs[0].Buckets) != 1440 {
			b.Fatalf("heatmap over the day: %d events, %d columns; want events in 1440 columns", res.DocCount, len(res.Aggs[0].Buckets))
		}
	}
}
