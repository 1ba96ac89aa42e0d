package loadgen

import "testing"

func BenchmarkAppendNext(b *testing.B) {
	g := New(Config{Seed: 1, Count: 10_000_000})
	buf := make([]byte, 0, 1024)
	var bytes int64
	b.ReportAllocs()
	for b.Loop() {
		buf = g.AppendNext(buf[:0])
		bytes += int64(len(buf))
	}
	b.SetBytes(bytes / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
