package engine

import (
	"context"
	"testing"
	"time"
)

// TestSearchHoldsBackgroundWork: a query marks itself running on the gate
// for as long as its plan lives, so flushes and merges yield to it.
func TestSearchHoldsBackgroundWork(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), Options{})
	defer e.Close()
	p, err := e.planQuery("logs", "severity:error", nil, time.Time{}, time.Time{}, time.Time{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.gate.Running(); n != 1 {
		t.Fatalf("%d queries on the gate while planning one", n)
	}
	p.release()
	if n := e.gate.Running(); n != 0 {
		t.Fatalf("%d queries on the gate after release", n)
	}
	now := time.Now()
	for _, tc := range []struct {
		name       string
		query      string
		fields     []string
		start, end time.Time
	}{
		{"a broken query", "severity:(", nil, time.Time{}, time.Time{}},
		{"a search field that is not text", "error", []string{"timestamp"}, time.Time{}, time.Time{}},
		{"an empty time range", "severity:error", nil, now, now},
	} {
		if _, err := e.planQuery("logs", tc.query, tc.fields, tc.start, tc.end, time.Time{}, true); err == nil {
			t.Fatalf("%s planned", tc.name)
		}
		if n := e.gate.Running(); n != 0 {
			t.Fatalf("a failed plan (%s) left %d queries on the gate", tc.name, n)
		}
	}
}

// TestFlushYieldsToSearches: while a query runs, a flush waits (here its
// pause is an hour), unless the ingest buffer is half full.
func TestFlushYieldsToSearches(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pressure bool
	}{{"held while a query runs", false}, {"goes on when the buffer fills", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := openTestEngine(t, t.TempDir(), Options{})
			defer e.Close()
			e.pauses.flush = time.Hour
			if _, err := e.Ingest(context.Background(), "logs", testDocs(0, 100), IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			if tc.pressure {
				e.buffered.Add(e.opts.MaxBufferBytes)
				defer e.buffered.Add(-e.opts.MaxBufferBytes)
			}
			query := e.gate.Foreground()
			flushed := make(chan error, 1)
			go func() { flushed <- e.Flush("logs") }()
			if tc.pressure {
				// A flush that yielded would wait its hour-long pause; one
				// that goes on finishes in well under a second, but give a
				// loaded machine (CI at load 7 took over 200 ms) its time.
				select {
				case err := <-flushed:
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the flush waited for the query with the buffer full")
				}
			} else {
				select {
				case err := <-flushed:
					t.Fatalf("the flush finished (%v) while a query ran", err)
				case <-time.After(200 * time.Millisecond):
				}
			}
			query()
			if !tc.pressure {
				if err := <-flushed; err != nil {
					t.Fatal(err)
				}
			}
			if _, st, _ := e.DescribeIndex("logs"); st.Splits != 1 {
				t.Fatalf("%d splits after the flush", st.Splits)
			}
		})
	}
}

// TestMergeWaitsForFlushes: while a frozen head waits to be written a
// merge waits (its pause is an hour here), searches or not; it goes on
// once the flusher has caught up.
func TestMergeWaitsForFlushes(t *testing.T) {
	opts := testOptions()
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	e.pauses.merge = time.Hour
	for i := range 3 {
		if _, err := e.Ingest(context.Background(), "logs", testDocs(i*100, 100), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := e.Flush("logs"); err != nil {
				t.Fatal(err)
			}
		}
	}
	ix, _ := e.lookup("logs")
	ix.freezeHead() // the third batch waits for the flusher
	merged := make(chan error, 1)
	// The test documents are from 2026-01-15, a closed merge window, and an
	// hour later its two splits are leftovers to merge.
	go func() { _, err := ix.mergeOnce(context.Background(), quietHourLater()); merged <- err }()
	select {
	case err := <-merged:
		t.Fatalf("the merge finished (%v) while a flush waited", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	if err := <-merged; err != nil {
		t.Fatal(err)
	}
	if _, st, _ := e.DescribeIndex("logs"); st.Splits != 2 {
		t.Fatalf("%d splits after the merge and the flush, want 2", st.Splits)
	}
}

// TestIdleHeadIsFlushed: a head that stops growing is flushed after ten
// commit intervals once it holds a megabyte, and a smaller one stays.
func TestIdleHeadIsFlushed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		docs   int
		splits int
	}{{"a megabyte", 5000, 1}, {"a few events", 10, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions()
			opts.CommitTimeout = 20 * time.Millisecond
			e := openTestEngine(t, t.TempDir(), opts)
			defer e.Close()
			if _, err := e.Ingest(context.Background(), "logs", testDocs(0, tc.docs), IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			// 50 commit intervals, well past the 10 an idle head waits; a
			// flush may take longer on a loaded machine, so poll for it.
			time.Sleep(time.Second)
			deadline := time.Now().Add(5 * time.Second)
			for {
				_, st, _ := e.DescribeIndex("logs")
				if st.Splits == tc.splits {
					return
				}
				if tc.splits == 0 || time.Now().After(deadline) {
					t.Fatalf("%d splits and %d head events, want %d splits", st.Splits, st.HeadEvents, tc.splits)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
