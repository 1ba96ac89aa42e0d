package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/query"
)

// TestSchemaTypesDynamicFields checks that dynamic fields are typed by
// the kinds they hold, and that the typing follows new head events.
func TestSchemaTypesDynamicFields(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ingest := func(doc string) {
		t.Helper()
		if _, err := e.Ingest(context.Background(), "logs", [][]byte{[]byte(doc)}, IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
	}
	search := func(q string) (int, error) {
		res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: q})
		return len(res.Hits), err
	}
	ingest(`{"timestamp":"2026-01-15T10:00:00Z","code":500,"lat":1.5}`)
	ix, _ := e.lookup("logs")
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	ingest(`{"timestamp":"2026-01-15T10:00:01Z","code":404,"lat":2}`)
	if _, err := search("code:abc"); err == nil || !strings.Contains(err.Error(), "holds whole numbers") {
		t.Fatalf("code:abc on an integer field: %v", err)
	}
	if n, err := search("lat:[1.5 TO 2]"); err != nil || n != 2 {
		t.Fatalf("range over integer and float values: %d hits, %v", n, err)
	}
	// A string arrives in the head: the field is untyped now, both match.
	ingest(`{"timestamp":"2026-01-15T10:00:02Z","code":"abc"}`)
	if n, err := search("code:abc"); err != nil || n != 1 {
		t.Fatalf("code:abc after a string arrived: %d hits, %v", n, err)
	}
	if n, err := search("code:500"); err != nil || n != 1 {
		t.Fatalf("code:500 on the untyped field: %d hits, %v", n, err)
	}

	snap, _ := e.Snapshot("logs")
	defer snap.Release()
	sc := newIndexSchema(ix.mapper.Load(), snap)
	sc.heads = headKindsOf(ix)
	for name, want := range map[string]query.FieldType{"code": query.TypeJSON, "lat": query.TypeF64, "message": query.TypeText} {
		if fi, ok := sc.Field(name); !ok || fi.Type != want {
			t.Fatalf("field %s: %+v %v, want %v", name, fi, ok, want)
		}
	}
	if _, ok := sc.Field("never"); ok {
		t.Fatal("a field nobody wrote is known")
	}
}
