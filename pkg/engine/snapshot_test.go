package engine

import (
	"context"
	"testing"
)

// TestSnapshotKeepsSplitsOpen checks the reference counting: a snapshot's
// splits stay readable after the engine dropped them, until Release.
func TestSnapshotKeepsSplitsOpen(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	if _, err := e.Ingest(context.Background(), "logs", testDocs(0, 20), IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, _ := e.lookup("logs")
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest(context.Background(), "logs", testDocs(20, 5), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	snap, err := e.Snapshot("logs")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Splits()) != 1 || len(snap.Events()) != 5 {
		t.Fatalf("snapshot has %d splits, %d head events", len(snap.Splits()), len(snap.Events()))
	}
	// Later ingest does not change the snapshot.
	if _, err := e.Ingest(context.Background(), "logs", testDocs(25, 5), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	if len(snap.Events()) != 5 {
		t.Fatalf("snapshot grew to %d head events", len(snap.Events()))
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	s := snap.Splits()[0]
	if got, err := s.ReadEvents(0, nil, nil); err != nil || len(got) != 20 {
		t.Fatalf("split read after engine close: %d events, %v", len(got), err)
	}
	snap.Release()
	snap.Release() // harmless
	if _, err := s.ReadEvents(0, nil, nil); err == nil {
		t.Fatal("split still open after the last reference was released")
	}
	if _, err := e.Snapshot("logs"); err == nil {
		t.Fatal("snapshot of a closed engine")
	}
}
