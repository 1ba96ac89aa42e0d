// Package splittest writes small splits for the tests of the stages above
// the split format (merges, the engine), which cannot reach the split
// package's own test helpers. Only tests import it.
package splittest

import (
	"path/filepath"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Schema indexes like the default incident mapping: message tokenized,
// keywords raw, latency not indexed.
var Schema = split.Schema{
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

// Write writes events with small blocks so tests cover many blocks.
func Write(t testing.TB, events []event.Event, opts split.Options) (*split.Split, string) {
	t.Helper()
	dir := t.TempDir()
	meta, err := split.WriteSplitFrom(dir, Schema, &split.SliceSource{Events: events}, opts)
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
