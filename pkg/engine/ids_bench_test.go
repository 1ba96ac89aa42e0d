package engine

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// processCPU is the process' user plus system CPU time in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkIngestIDs measures what document ids cost per event: 1,000-
// document batches without ids, with new ids, and with every batch sent
// twice (a shipper's retry: the second copy is answered from the id
// checks). Flushes run as in production, so later batches check the id
// filters of the splits written before them.
func BenchmarkIngestIDs(b *testing.B) {
	for _, mode := range []string{"none", "unique", "retried"} {
		b.Run(mode, func(b *testing.B) {
			e, err := Open(b.TempDir(), Options{CommitTimeout: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			docs := benchDocs(1000)
			ids := make([]string, len(docs))
			events := 0
			cpu0 := processCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				opts := IngestOptions{}
				if mode != "none" {
					b.StopTimer()
					for j := range ids {
						ids[j] = strconv.Itoa(i) + "-" + strconv.Itoa(j)
					}
					b.StartTimer()
					opts.IDs = ids
				}
				sends := 1
				if mode == "retried" {
					sends = 2
				}
				for s := 0; s < sends; s++ {
					for {
						res, err := e.Ingest(context.Background(), "logs", docs, opts)
						if err == ErrOverloaded {
							time.Sleep(time.Millisecond)
							continue
						}
						if err != nil {
							b.Fatal(err)
						}
						if res.Accepted+len(res.Existing) != len(docs) {
							b.Fatalf("accepted %d existing %d", res.Accepted, len(res.Existing))
						}
						break
					}
					events += len(docs)
				}
			}
			b.StopTimer()
			// CPU time (all goroutines: parsing, id checks, flushes) moves far
			// less than wall time on a shared machine.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(events), "cpu-ns/event")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			if err := e.Flush("logs"); err != nil {
				b.Fatal(err)
			}
			_, st, err := e.DescribeIndex("logs")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.SplitBytes)/float64(st.Events), "disk-B/event")
		})
	}
}
