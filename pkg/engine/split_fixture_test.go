package engine

import (
	"path/filepath"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/internal/fixture"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// The split package's tests have the same fixtures; merge, crash and fault
// tests here need them too.

// fixtureEvents returns n deterministic incident-shaped events starting at a
// fixed time, sorted by (Timestamp, Seq).
var fixtureEvents = fixture.Events

// flipByte damages one byte of a file in place.
var flipByte = fixture.FlipByte

// sortedFields returns a copy of events with fields sorted by name, the
// order ReadEvents returns them in.
var sortedFields = fixture.SortedFields

// fixtureSchema indexes like the default incident mapping: message tokenized,
// keywords raw, latency not indexed.
var fixtureSchema = split.Schema{
	"message":     {Tokenizer: split.TokenizerDefault, Indexed: true},
	"service":     {Tokenizer: split.TokenizerRaw, Indexed: true},
	"host":        {Tokenizer: split.TokenizerRaw, Indexed: true},
	"severity":    {Tokenizer: split.TokenizerRaw, Indexed: true},
	"endpoint":    {Tokenizer: split.TokenizerRaw, Indexed: true},
	"status_code": {Indexed: true},
	"trace_id":    {Tokenizer: split.TokenizerRaw, Indexed: true},
	"user_id":     {Tokenizer: split.TokenizerRaw, Indexed: true},
	"latency_ms":  {},
}

// splitTestWrite writes events with small blocks so tests cover many blocks.
func splitTestWrite(t testing.TB, events []event.Event, opts split.Options) (*split.Split, string) {
	t.Helper()
	dir := t.TempDir()
	meta, err := split.WriteSplitFrom(dir, fixtureSchema, &split.SliceSource{Events: events}, opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, meta.ID)
	s, err := split.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}
