package merge

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// BenchmarkMerge merges 10 time-adjacent splits of 100k fixture events
// each, as the merger does after ten flushes: "read" is the k-way block
// merge alone, "read+write" adds writing the merged split (WriteSplit).
// It reports events/s, the heap all merged events take per event ("read"
// holds them all) and the peak heap of a streaming merge ("read+write").
func BenchmarkMerge(b *testing.B) {
	const splits, per = 10, 100_000
	events := fixtureEvents(splits*per, 11)
	inputs := make([]*split.Split, splits)
	dir := b.TempDir()
	for i := range inputs {
		meta, err := split.WriteSplit(dir, fixtureSchema, events[i*per:(i+1)*per])
		if err != nil {
			b.Fatal(err)
		}
		if inputs[i], err = split.Open(filepath.Join(dir, meta.ID)); err != nil {
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
			merged, err := SplitEvents(context.Background(), inputs)
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
		var peak uint64
		for b.Loop() {
			runtime.GC()
			stop := sampleHeapPeak(&peak)
			src, err := NewSource(context.Background(), inputs)
			if err != nil {
				b.Fatal(err)
			}
			meta, err := split.WriteSplitFrom(out, fixtureSchema, src, split.DefaultSplitOptions)
			stop()
			if err != nil || meta.Rows != splits*per {
				b.Fatalf("%d rows, %v", meta.Rows, err)
			}
			if err := os.RemoveAll(filepath.Join(out, meta.ID)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(splits*per*b.N)/b.Elapsed().Seconds(), "events/s")
		// The streaming merge holds a block per input and one output block:
		// its heap does not grow with the merged rows.
		b.ReportMetric(float64(peak)/(1<<20), "peakHeapMiB")
	})
}

// sampleHeapPeak polls the live heap every millisecond into *peak (the
// largest seen above the heap at the start) until stop is called.
func sampleHeapPeak(peak *uint64) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := read(); v > base && v-base > *peak {
					*peak = v - base
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}
