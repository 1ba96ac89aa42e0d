package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/wal"
)

// benchDocs returns n documents shaped like the incident dataset (~330 bytes).
func benchDocs(n int) [][]byte {
	docs := make([][]byte, n)
	for i := range docs {
		docs[i] = fmt.Appendf(nil, `{"timestamp":"2026-01-15T14:%02d:%02d.%03dZ","service":"payment","host":"node-%02d","severity":"error","status_code":%d,"endpoint":"/api/v1/orders/%d","latency_ms":%d.5,"trace_id":"4bf92f3577b34da6a3ce929d0e0e%04x","user_id":"user-%05d","message":"upstream request failed: connection reset by peer after %d ms"}`,
			(i/60)%60, i%60, i%1000, i%16, 200+i%5*100, i%50, i%900, i, i, i%900)
	}
	return docs
}

// benchIngest measures events/s with 1,000-document batches from
// `goroutines` concurrent callers, flushes included.
func benchIngest(b *testing.B, goroutines int) {
	e, err := Open(b.TempDir(), Options{CommitTimeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	docs := benchDocs(1000)
	var bytes int64
	for _, d := range docs {
		bytes += int64(len(d))
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	var wg sync.WaitGroup
	var overloads atomic.Int64
	per := (b.N + goroutines - 1) / goroutines
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				for {
					_, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{})
					if err == ErrOverloaded {
						overloads.Add(1)
						time.Sleep(time.Millisecond)
						continue
					}
					if err != nil {
						b.Error(err)
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(per*goroutines*len(docs))/b.Elapsed().Seconds(), "events/s")
	// Overloaded retries show when flushing, not parsing, sets the pace.
	b.ReportMetric(float64(overloads.Load())/float64(per*goroutines), "overloads/batch")
}

func BenchmarkIngest1000x1(b *testing.B) { benchIngest(b, 1) }
func BenchmarkIngest1000x2(b *testing.B) { benchIngest(b, 2) }

// BenchmarkWALAppendFsync measures one record append plus fsync, the floor
// of an acknowledged ingest call.
func BenchmarkWALAppendFsync(b *testing.B) {
	for _, events := range []int{1, 1000} {
		b.Run(fmt.Sprintf("events=%d", events), func(b *testing.B) {
			w, err := wal.Open(b.TempDir(), wal.CreateFile, 64<<20, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			rec := walTestRecord(1, events)
			b.SetBytes(int64(len(rec)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.Append(rec, uint64(i+1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseDocument measures JSON → Event, the CPU cost per event.
func BenchmarkParseDocument(b *testing.B) {
	m, err := compileMapping(DefaultIndexConfig())
	if err != nil {
		b.Fatal(err)
	}
	doc := benchDocs(1)[0]
	var batch docBatch
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := m.parseDocumentIn(doc, &batch, ""); err != nil {
			b.Fatal(err)
		}
	}
}
