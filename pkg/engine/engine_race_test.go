package engine

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestEngineConcurrentIngestAndSnapshots runs writers, readers and flushes
// at once; run it with -race. Readers check that every snapshot is sorted
// and never shrinks.
func TestEngineConcurrentIngestAndSnapshots(t *testing.T) {
	opts := testOptions()
	opts.CommitTimeout = 5 * time.Millisecond
	opts.FlushBytes = 64 << 10
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	const writers, batches, perBatch = 4, 25, 40
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				mode := CommitMode(b % 3)
				if _, err := e.Ingest(context.Background(), "logs", testDocs((w*batches+b)*perBatch, perBatch), IngestOptions{Commit: mode}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				snap, err := e.Snapshot("logs")
				if err != nil {
					t.Error(err)
					return
				}
				n := len(snap.Events())
				for i := 1; i < n; i++ {
					if snap.Events()[i].Before(&snap.Events()[i-1]) {
						t.Error("snapshot events out of order")
					}
				}
				for _, s := range snap.Splits() {
					n += s.Meta.Rows
				}
				snap.Release()
				if n < last {
					t.Errorf("snapshot shrank from %d to %d events", last, n)
				}
				last = n
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	e.commitAll()
	counts := idCounts(t, allEvents(t, e, "logs"))
	if len(counts) != writers*batches*perBatch {
		t.Fatalf("%d events, want %d", len(counts), writers*batches*perBatch)
	}
	for id, n := range counts {
		if n != 1 {
			t.Fatalf("event %d seen %d times", id, n)
		}
	}
}
