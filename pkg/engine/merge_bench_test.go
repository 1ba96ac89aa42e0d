package engine

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkMerge merges 10 time-adjacent splits of 100k fixture events
// each, as the merger does after ten flushes: "read" is the k-way block
// merge alone, "read+write" adds writing the merged split (WriteSplit).
// It reports events/s and the heap the merged events take per event,
// which is what MergeMaxRows bounds.
func BenchmarkMerge(b *testing.B) {
	const splits, per = 10, 100_000
	events := fixtureEvents(splits*per, 11)
	inputs := make([]*Split, splits)
	dir := b.TempDir()
	for i := range inputs {
		meta, err := WriteSplit(dir, fixtureSchema, events[i*per:(i+1)*per])
		if err != nil {
			b.Fatal(err)
		}
		if inputs[i], err = OpenSplit(filepath.Join(dir, meta.ID)); err != nil {
			b.Fatal(err)
		}
		defer inputs[i].Close()
	}
	events = nil
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		var heap float64
		for b.Loop() {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			merged, err := mergeSplitEvents(context.Background(), inputs)
			if err != nil || len(merged) != splits*per {
				b.Fatalf("%d events, %v", len(merged), err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(merged))
			runtime.KeepAlive(merged)
		}
		b.ReportMetric(float64(splits*per*b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(heap, "heapB/event")
	})
	b.Run("read+write", func(b *testing.B) {
		b.ReportAllocs()
		out := b.TempDir()
		for b.Loop() {
			merged, err := mergeSplitEvents(context.Background(), inputs)
			if err != nil {
				b.Fatal(err)
			}
			meta, err := WriteSplit(out, fixtureSchema, merged)
			if err != nil || meta.Rows != splits*per {
				b.Fatalf("%d rows, %v", meta.Rows, err)
			}
			if err := os.RemoveAll(filepath.Join(out, meta.ID)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(splits*per*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
