package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// testOptions never commits or flushes by timer, so tests decide when.
func testOptions() Options {
	return Options{CommitTimeout: time.Hour, FlushAge: time.Hour}
}

func openTestEngine(t testing.TB, dir string, opts Options) *Engine {
	t.Helper()
	e, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func testDocs(from, n int) [][]byte {
	docs := make([][]byte, n)
	for i := range docs {
		id := from + i
		docs[i] = fmt.Appendf(nil, `{"timestamp":"2026-01-15T14:%02d:%02dZ","id":%d,"message":"request %d done","severity":"info","service":{"name":"api"}}`, (id/60)%60, id%60, id, id)
	}
	return docs
}

// allEvents returns every event visible in a snapshot: splits then head.
func allEvents(t testing.TB, e *Engine, index string) []event.Event {
	t.Helper()
	snap, err := e.Snapshot(index)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Release()
	var out []event.Event
	for _, s := range snap.Splits() {
		for b := range s.Meta.Blocks {
			out, err = s.ReadEvents(b, nil, out)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return append(out, snap.Events()...)
}

// idCounts counts events by their unique "id" field.
func idCounts(t testing.TB, events []event.Event) map[int64]int {
	t.Helper()
	counts := map[int64]int{}
	for i := range events {
		v, ok := events[i].Get("id")
		if !ok {
			t.Fatalf("event without id: %+v", events[i])
		}
		counts[v.Int()]++
	}
	return counts
}

func TestEngineDefaultIndexAndIngest(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	if got := e.ListIndexes(); len(got) != 1 || got[0] != DefaultIndexID {
		t.Fatalf("indexes = %v", got)
	}
	docs := append(testDocs(0, 3), []byte(`{"message":"no time"}`), []byte(`[1]`), []byte(`{"timestamp":"2026-01-15T14:00:00Z","severity":3}`))
	res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantRejected := []DocError{
		{Position: 3, Reason: "missing timestamp field 'timestamp' (or '@timestamp')"},
		{Position: 4, Reason: "not a JSON object"},
		{Position: 5, Reason: "field 'severity': expected a string, got number 3"},
	}
	if res.Accepted != 3 || fmt.Sprint(res.Rejected) != fmt.Sprint(wantRejected) {
		t.Fatalf("result = %+v", res)
	}
	// CommitAuto: durable, not yet searchable.
	if n := len(allEvents(t, e, "logs")); n != 0 {
		t.Fatalf("%d events searchable before the commit", n)
	}
	if _, err := e.Ingest(context.Background(), "logs", testDocs(3, 2), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	events := allEvents(t, e, "logs")
	if len(events) != 5 {
		t.Fatalf("%d events searchable after CommitForce, want 5", len(events))
	}
	for i := range events {
		if events[i].Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d", i, events[i].Seq)
		}
	}
	if v, _ := events[0].Get("service.name"); v.Str != "api" {
		t.Fatalf("nested field not flattened: %+v", events[0])
	}
	if _, err := e.Ingest(context.Background(), "nope", testDocs(0, 1), IngestOptions{}); !errors.Is(err, ErrIndexNotFound) {
		t.Fatalf("unknown index: %v", err)
	}
}

func TestEngineCommitWaitFor(t *testing.T) {
	opts := testOptions()
	opts.CommitTimeout = 20 * time.Millisecond
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	if _, err := e.Ingest(context.Background(), "logs", testDocs(0, 4), IngestOptions{Commit: CommitWaitFor}); err != nil {
		t.Fatal(err)
	}
	if n := len(allEvents(t, e, "logs")); n != 4 {
		t.Fatalf("%d events searchable after CommitWaitFor returned, want 4", n)
	}
}

func TestEngineReopenReplaysWAL(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	for i := 0; i < 5; i++ {
		if _, err := e.Ingest(context.Background(), "logs", testDocs(i*10, 10), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest(context.Background(), "logs", testDocs(0, 1), IngestOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("ingest after close: %v", err)
	}
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	counts := idCounts(t, allEvents(t, e, "logs"))
	if len(counts) != 50 {
		t.Fatalf("%d distinct events after reopen, want 50", len(counts))
	}
	// Seqs continue after the replayed ones.
	if _, err := e.Ingest(context.Background(), "logs", testDocs(50, 1), IngestOptions{Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	_, st, err := e.DescribeIndex("logs")
	if err != nil || st.LastSeq != 51 || st.Events != 51 {
		t.Fatalf("stats %+v, %v", st, err)
	}
}

func TestEngineFlushToSplit(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	for i := 0; i < 3; i++ {
		if _, err := e.Ingest(context.Background(), "logs", testDocs(i*100, 100), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		ix, _ := e.lookup("logs")
		if err := ix.flush(); err != nil {
			t.Fatal(err)
		}
	}
	_, st, _ := e.DescribeIndex("logs")
	if st.Splits != 3 || st.HeadEvents != 0 || st.Events != 300 || st.FlushedSeq != 300 || st.WALSegments != 1 {
		t.Fatalf("after flushes: %+v", st)
	}
	if e.buffered.Load() != 0 {
		t.Fatalf("buffer still accounts %d bytes", e.buffered.Load())
	}
	if _, err := e.Ingest(context.Background(), "logs", testDocs(300, 10), IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Close()
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	counts := idCounts(t, allEvents(t, e, "logs"))
	if len(counts) != 310 {
		t.Fatalf("%d distinct events after reopen, want 310", len(counts))
	}
	for id, n := range counts {
		if n != 1 {
			t.Fatalf("event %d appears %d times", id, n)
		}
	}
	// Dynamic string fields are tokenized in splits: a word of the message finds it.
	snap, _ := e.Snapshot("logs")
	defer snap.Release()
	hits, err := snap.Splits()[0].LookupTerm("message", "request")
	if err != nil || hits.IsEmpty() {
		t.Fatalf("term lookup in flushed split: %v, %v", hits, err)
	}
}

func TestEngineOverloaded(t *testing.T) {
	opts := testOptions()
	opts.MaxBufferBytes = 20 << 10
	opts.FlushBytes = 1 << 30
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	var accepted int
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		var res IngestResult
		res, err = e.Ingest(context.Background(), "logs", testDocs(i*10, 10), IngestOptions{})
		accepted += res.Accepted
	}
	if !errors.Is(err, ErrOverloaded) {
		t.Fatalf("err = %v, want ErrOverloaded", err)
	}
	e.commitAll()
	if n := len(allEvents(t, e, "logs")); n != accepted {
		t.Fatalf("%d events stored, %d acknowledged: an overloaded call wrote something", n, accepted)
	}
	// A flush frees the buffer and ingest resumes.
	ix, _ := e.lookup("logs")
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest(context.Background(), "logs", testDocs(5000, 10), IngestOptions{}); err != nil {
		t.Fatalf("after flush: %v", err)
	}
}

// commitAll makes every durable event searchable, as the ticker would.
func (e *Engine) commitAll() {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, ix := range e.indexes {
		ix.commitNow()
	}
}

func TestEngineIndexManagement(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	cfg, err := ParseIndexConfig([]byte(`{"index_id":"app","doc_mapping":{"mode":"strict","field_mappings":[
		{"name":"ts","type":"datetime","fast":true},{"name":"msg","type":"text"},{"name":"latency_ms","type":"u64","fast":true}],
		"timestamp_field":"ts"},"search_settings":{"default_search_fields":["msg"]},"retention":{"period":"7 days"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CreateIndex(cfg); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateIndex(cfg); !errors.Is(err, ErrIndexExists) {
		t.Fatalf("second create: %v", err)
	}
	bad := cfg
	bad.IndexID = "../escape"
	if err := e.CreateIndex(bad); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("bad id: %v", err)
	}
	res, err := e.Ingest(context.Background(), "app", [][]byte{
		[]byte(`{"ts":1768485605,"msg":"ok","latency_ms":12}`),
		[]byte(`{"ts":1768485605,"msg":"ok","latency_ms":"fast"}`),
		[]byte(`{"ts":1768485605,"msg":"ok","foo":1}`),
	}, IngestOptions{Commit: CommitForce})
	if err != nil || res.Accepted != 1 || len(res.Rejected) != 2 ||
		res.Rejected[0].Reason != `field 'latency_ms': expected a number, got string "fast"` ||
		res.Rejected[1].Reason != "unknown field 'foo' (mapping mode is strict)" {
		t.Fatalf("ingest into strict index: %+v, %v", res, err)
	}
	if err := e.UpdateRetention("app", "30 days"); err != nil {
		t.Fatal(err)
	}
	if err := e.UpdateRetention("app", "soon"); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("bad retention: %v", err)
	}
	e.Close()

	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	got, st, err := e.DescribeIndex("app")
	if err != nil || got.Retention == nil || got.Retention.Period != "30 days" || st.Events != 1 {
		t.Fatalf("after reopen: %+v %+v %v", got, st, err)
	}
	got.Retention.Period = "1 day"
	got.DocMapping.FieldMappings[0].Name = "changed"
	if again, _, _ := e.DescribeIndex("app"); again.Retention.Period != "30 days" || again.DocMapping.FieldMappings[0].Name != "ts" {
		t.Fatalf("modifying a described config changed the index: %+v", again)
	}
	if ids := strings.Join(e.ListIndexes(), ","); ids != "app,logs" {
		t.Fatalf("indexes = %s", ids)
	}
	if err := e.DeleteIndex("app"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.DescribeIndex("app"); !errors.Is(err, ErrIndexNotFound) {
		t.Fatalf("describe deleted: %v", err)
	}
	if err := e.CreateIndex(cfg); err != nil {
		t.Fatalf("re-create after delete: %v", err)
	}
	if _, st, _ := e.DescribeIndex("app"); st.Events != 0 {
		t.Fatalf("re-created index holds %d events", st.Events)
	}
}
