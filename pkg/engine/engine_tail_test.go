package engine

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func tailDocs(from, n int, severity string) [][]byte {
	docs := make([][]byte, n)
	for i := range docs {
		docs[i] = fmt.Appendf(nil, `{"timestamp":"2026-01-15T14:00:%02dZ","id":%d,"severity":%q,"message":"event %d"}`, (from+i)%60, from+i, severity, from+i)
	}
	return docs
}

func TestTailDeliversMatchingCommittedEventsInOrder(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ctx := context.Background()
	if _, err := e.Ingest(ctx, DefaultIndexID, tailDocs(0, 5, "error"), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	tail, err := e.Tail(DefaultIndexID, "severity:error", 16)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	for i := 0; i < 3; i++ {
		if _, err := e.Ingest(ctx, DefaultIndexID, tailDocs(100+i*10, 10, "error"), IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ingest(ctx, DefaultIndexID, tailDocs(500+i*10, 10, "info"), IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
	}
	var got []int64
	timeout := time.After(5 * time.Second)
	for len(got) < 30 {
		select {
		case batch := <-tail.C:
			for _, ev := range batch {
				v, _ := ev.Get("id")
				if s, _ := ev.Get("severity"); s.Text() != "error" {
					t.Fatalf("tail delivered a non-matching event %v", ev)
				}
				got = append(got, v.Int())
			}
		case <-timeout:
			t.Fatalf("got %d events before the timeout, want 30", len(got))
		}
	}
	for i, id := range got {
		if want := int64(100 + i); id != want {
			t.Fatalf("event %d has id %d, want %d (events before the subscription or out of order)", i, id, want)
		}
	}
	if tail.Dropped() != 0 {
		t.Fatalf("dropped %d events with room in the buffer", tail.Dropped())
	}
}

func TestTailCountsWhatASlowSubscriberLoses(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	tail, err := e.Tail(DefaultIndexID, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := e.Ingest(context.Background(), DefaultIndexID, tailDocs(i*10, 10, "info"), IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
	}
	if got := tail.Dropped(); got != 30 {
		t.Fatalf("Dropped = %d, want 30 (one batch of 10 buffered, three lost)", got)
	}
	tail.Close()
	if _, ok := <-tail.C; !ok {
		t.Fatal("the buffered batch was lost at Close")
	}
	if _, ok := <-tail.C; ok {
		t.Fatal("C is not closed after Close")
	}
}

func TestTailRejectsBadQueries(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	if _, err := e.Tail(DefaultIndexID, "service:", 1); err == nil {
		t.Fatal("a broken query was accepted")
	}
	if _, err := e.Tail("nope", "", 1); err == nil {
		t.Fatal("an unknown index was accepted")
	}
}
