package engine

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestRetentionDropsExpiredSplits(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	ctx := context.Background()
	// Two splits: events of 2026-01-15 14:00–14:01 and of 14:03–14:04.
	for _, from := range []int{0, 200} {
		if _, err := e.Ingest(ctx, "logs", testDocs(from, 60), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := ix.flush(); err != nil {
			t.Fatal(err)
		}
	}
	at := func(hhmm string) time.Time {
		tm, _ := time.Parse(time.RFC3339, "2026-01-15T"+hhmm+":00Z")
		return tm
	}
	if n := ix.applyRetention(at("14:10")); n != 0 {
		t.Fatalf("dropped %d splits without a retention period", n)
	}
	if err := e.UpdateRetention("logs", "8 minutes"); err != nil {
		t.Fatal(err)
	}
	snap, _ := e.Snapshot("logs")
	old := snap.Splits()[0]
	tests := []struct {
		now        string
		dropped    int
		splitsLeft int
	}{
		{"14:08", 0, 2}, // newest event of the first split is 14:00:59, 8 minutes before 14:08:59
		{"14:10", 1, 1},
		{"14:10", 0, 1},
		{"14:20", 1, 0},
	}
	for _, tc := range tests {
		if n := ix.applyRetention(at(tc.now)); n != tc.dropped {
			t.Fatalf("at %s dropped %d splits, want %d", tc.now, n, tc.dropped)
		}
		if _, st, _ := e.DescribeIndex("logs"); st.Splits != tc.splitsLeft {
			t.Fatalf("at %s %d splits left, want %d", tc.now, st.Splits, tc.splitsLeft)
		}
	}
	// The snapshot taken before still reads the dropped split; its files
	// go when it is released.
	if got, err := old.ReadEvents(0, nil, nil); err != nil || len(got) != 60 {
		t.Fatalf("dropped split unreadable from an older snapshot: %d, %v", len(got), err)
	}
	snap.Release()
	if _, err := os.Stat(old.Path()); !os.IsNotExist(err) {
		t.Fatalf("split files still present after the last release: %v", err)
	}
	// Seqs keep increasing after every split is gone (the checkpoint).
	e.Close()
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	if _, err := e.Ingest(ctx, "logs", testDocs(1000, 1), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	if ev := allEvents(t, e, "logs"); len(ev) != 1 || ev[0].Seq != 121 {
		t.Fatalf("after reopen: %d events, first seq %d, want seq 121", len(ev), ev[0].Seq)
	}
}
