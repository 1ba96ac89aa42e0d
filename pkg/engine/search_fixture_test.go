package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// loadgenEngine ingests count generated events into the default index:
// all but headCount of them are flushed, in `splits` splits, and the rest
// stay in the head, so queries cross both. It returns the engine and every
// stored event in (Timestamp, Seq) order, with the seqs the engine gave.
func loadgenEngine(t testing.TB, seed uint64, count, splits, headCount int) (*Engine, []event.Event) {
	t.Helper()
	opts := testOptions()
	opts.FlushBytes = 1 << 40
	opts.MaxBufferBytes = 1 << 40
	e := openTestEngine(t, t.TempDir(), opts)
	t.Cleanup(func() { e.Close() })
	gen := loadgen.New(loadgen.Config{Seed: seed, Count: count})
	flushed := count - headCount
	per := max(1, (flushed+splits-1)/max(splits, 1))
	ix, err := e.lookup(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	var batch [][]byte
	pending := 0
	send := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := e.Ingest(context.Background(), DefaultIndexID, batch, IngestOptions{Commit: CommitForce}); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := 0; i < count; i++ {
		batch = append(batch, gen.AppendNext(nil))
		pending++
		if len(batch) == 1000 || i == count-1 || (i < flushed && pending == per) || i == flushed-1 {
			send()
		}
		if i < flushed && (pending == per || i == flushed-1) {
			if err := ix.flush(); err != nil {
				t.Fatal(err)
			}
			pending = 0
		}
	}
	send()
	events := allEvents(t, e, DefaultIndexID)
	slices.SortFunc(events, compareEvents)
	return e, events
}
