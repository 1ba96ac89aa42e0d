package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// A query that leaves out a damaged split says so: to OnPartialResult
// (metrics), in its result, and, when the caller wants complete answers
// only (an alert rule), as *PartialResultError instead of an answer.
func TestPartialAnswersAreReported(t *testing.T) {
	var reported []string
	opts := testOptions()
	opts.OnPartialResult = func(index string, skipped []string) { reported = append(reported, skipped...) }
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	victim := splitsWithOneDamaged(t, e, 2, 0, 16)
	ctx := context.Background()
	search := SearchRequest{Index: "logs", Limit: 1000, CountTotal: true}
	agg := AggRequest{Index: "logs", Aggs: []Agg{{Name: "s", Terms: &TermsAgg{Field: "id"}}}}
	values := FieldValuesRequest{Index: "logs", Field: "message"}

	res, err := e.Search(ctx, search)
	if err != nil || len(res.SkippedSplits) != 1 || len(res.Hits) >= 200 {
		t.Fatalf("search: %v, %d hits, skipped %v; want a partial answer naming the split", err, len(res.Hits), res.SkippedSplits)
	}
	if _, err := e.Aggregate(ctx, agg); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FieldValues(ctx, values); err != nil {
		t.Fatal(err)
	}
	if len(reported) != 3 || slices.ContainsFunc(reported, func(id string) bool { return id != victim.Meta.ID }) {
		t.Fatalf("OnPartialResult saw %v, want the damaged split once per query", reported)
	}

	strict := WithoutPartialResults(ctx)
	var pe *PartialResultError
	if _, err := e.Search(strict, search); !errors.As(err, &pe) || pe.SkippedSplits[0] != victim.Meta.ID {
		t.Fatalf("search without partial results: %v", err)
	}
	if _, err := e.Aggregate(strict, agg); !errors.As(err, &pe) {
		t.Fatalf("aggregate without partial results: %v", err)
	}
	if _, err := e.FieldValues(strict, values); !errors.As(err, &pe) {
		t.Fatalf("field values without partial results: %v", err)
	}
}

// splitsWithOneDamaged ingests `flushed` splits of 100 test documents and
// `head` more left in the head, then flips a byte in every `every` bytes of
// the first split's column data, in place (the open split reads through its
// file handle). It returns the damaged split.
func splitsWithOneDamaged(t *testing.T, e *Engine, flushed, head, every int) *split.Split {
	t.Helper()
	ix, err := e.lookup("logs")
	if err != nil {
		t.Fatal(err)
	}
	for part := 0; part < flushed+head; part++ {
		if _, err := e.Ingest(context.Background(), "logs", testDocs(part*100, 100), IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
		if part < flushed {
			if err := ix.flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap, _ := e.Snapshot("logs")
	victim := snap.Splits()[0]
	snap.Release()
	path := filepath.Join(victim.Path(), split.SplitDataFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data); i += every {
		data[i] ^= 0xA5
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return victim
}
