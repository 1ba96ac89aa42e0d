package engine

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestMergeDuringIngestAndQueries runs writers, flushes, searches and the
// background merger together; run it with -race. Every snapshot must hold
// each event at most once and never fewer events than the one before.
func TestMergeDuringIngestAndQueries(t *testing.T) {
	opts := testOptions()
	opts.CommitTimeout = 2 * time.Millisecond
	opts.FlushBytes = 16 << 10
	opts.MergeFactor = 2
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	const writers, batches, perBatch = 3, 30, 20
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				if _, err := e.Ingest(context.Background(), DefaultIndexID, testDocs((w*batches+b)*perBatch, perBatch), IngestOptions{Commit: CommitWaitFor}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		last := 0
		for {
			select {
			case <-done:
				return
			default:
			}
			snap, err := e.Snapshot(DefaultIndexID)
			if err != nil {
				t.Error(err)
				return
			}
			events := snapshotEvents(t, snap)
			snap.Release()
			for id, n := range idCounts(t, events) {
				if n != 1 {
					t.Errorf("snapshot holds event %d %d times", id, n)
					return
				}
			}
			if len(events) < last {
				t.Errorf("snapshot shrank from %d to %d events", last, len(events))
			}
			last = len(events)
		}
	}()
	go func() {
		defer readers.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			res, err := e.Search(context.Background(), SearchRequest{Index: DefaultIndexID, Query: "request", Limit: 50, CountTotal: true})
			if err != nil || len(res.SkippedSplits) != 0 {
				t.Errorf("search during merges: %v, skipped %v", err, res.SkippedSplits)
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	readers.Wait()
	if err := e.Flush(DefaultIndexID); err != nil {
		t.Fatal(err)
	}
	ix, _ := e.lookup(DefaultIndexID)
	mergeAll(t, ix, time.Now())
	checkOnce(t, "after ingest, merges and queries", allEvents(t, e, DefaultIndexID), writers*batches*perBatch)
	_, st, _ := e.DescribeIndex(DefaultIndexID)
	if st.Merges == 0 || st.MergeFailures != 0 {
		t.Fatalf("stats %+v: want merges and no failures", st)
	}
	t.Logf("%d merges, %d splits left", st.Merges, st.Splits)
}
