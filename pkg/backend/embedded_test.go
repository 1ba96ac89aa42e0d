package backend

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

func openEngine(tb testing.TB, n int) *engine.Engine {
	tb.Helper()
	eng, err := engine.Open(tb.TempDir(), engine.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close() })
	var docs [][]byte
	base := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	for i := range n {
		docs = append(docs, fmt.Appendf(nil, `{"timestamp":"%s","message":"line %d","severity":"error","service":"svc-%d"}`,
			base.Add(time.Duration(i/3)*time.Second).Format(time.RFC3339Nano), i, i%7))
	}
	if _, err := eng.Ingest(context.Background(), engine.DefaultIndexID, docs, engine.IngestOptions{Commit: engine.CommitForce}); err != nil {
		tb.Fatal(err)
	}
	return eng
}

// TestEmbeddedIsTheEngine: results through the seam are the engine's own,
// and the cursor continues where the engine's Next does.
func TestEmbeddedIsTheEngine(t *testing.T) {
	eng := openEngine(t, 300)
	b := NewEmbedded(eng)
	ctx := context.Background()
	req := engine.SearchRequest{Index: "logs", Query: "severity:error", Limit: 40}
	direct, err := eng.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	via, err := b.Search(ctx, SearchRequest{SearchRequest: req})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(direct, via.SearchResult) || via.Cursor != direct.Next.String() {
		t.Fatal("the embedded backend changed the engine's page")
	}
	seen := map[uint64]bool{}
	cursor := ""
	for {
		page, err := b.Search(ctx, SearchRequest{SearchRequest: req, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page.Hits {
			if seen[h.Event.Seq] {
				t.Fatalf("event %d twice", h.Event.Seq)
			}
			seen[h.Event.Seq] = true
		}
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	if len(seen) != 300 {
		t.Fatalf("paged %d of 300", len(seen))
	}
	if _, err := b.Search(ctx, SearchRequest{SearchRequest: req, Cursor: "qw1:abc"}); err == nil {
		t.Fatal("a foreign cursor was accepted")
	}
	info, err := b.Index(ctx, "logs")
	if err != nil || info.TimestampField != "timestamp" || info.MessageField != "message" || info.LevelField != "severity" || info.Stats == nil || info.Stats.Events != 300 {
		t.Fatalf("index info %+v, %v", info, err)
	}
}

// TestEmbeddedTailEndsWithContext: the engine's tail is delivered and
// closes when the subscriber's context ends.
func TestEmbeddedTailEndsWithContext(t *testing.T) {
	eng := openEngine(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	tail, err := NewEmbedded(eng).Tail(ctx, TailRequest{Index: "logs", Query: "severity:error"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Ingest(context.Background(), "logs", [][]byte{[]byte(`{"timestamp":"2026-01-15T15:00:00Z","message":"new","severity":"error"}`)}, engine.IngestOptions{Commit: engine.CommitForce}); err != nil {
		t.Fatal(err)
	}
	if batch := <-tail.Events(); len(batch) != 1 {
		t.Fatalf("batch of %d", len(batch))
	}
	cancel()
	select {
	case _, ok := <-tail.Events():
		if ok {
			t.Fatal("an event after the context ended")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the tail did not end with its context")
	}
	tail.Close() // twice is harmless
}

// BenchmarkSearchThroughSeam compares a page straight from the engine with
// the same page through the embedded backend: the seam adds no copying.
func BenchmarkSearchThroughSeam(b *testing.B) {
	eng := openEngine(b, 20_000)
	be := NewEmbedded(eng)
	req := engine.SearchRequest{Index: "logs", Query: "severity:error", Limit: 100}
	ctx := context.Background()
	b.Run("engine", func(b *testing.B) {
		for b.Loop() {
			if _, err := eng.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("embedded", func(b *testing.B) {
		for b.Loop() {
			if _, err := be.Search(ctx, SearchRequest{SearchRequest: req}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
