package split

import "github.com/triage-logs/triage/pkg/engine/internal/fixture"

// fixtureEvents returns n deterministic incident-shaped events starting at a
// fixed time, sorted by (Timestamp, Seq).
var fixtureEvents = fixture.Events

// flipByte damages one byte of a file in place.
var flipByte = fixture.FlipByte

// sortedFields returns a copy of events with fields sorted by name.
var sortedFields = fixture.SortedFields

// fixtureSchema indexes like the default incident mapping: message tokenized,
// keywords raw, latency not indexed.
var fixtureSchema = Schema{
	"message":     {Tokenizer: TokenizerDefault, Indexed: true},
	"service":     {Tokenizer: TokenizerRaw, Indexed: true},
	"host":        {Tokenizer: TokenizerRaw, Indexed: true},
	"severity":    {Tokenizer: TokenizerRaw, Indexed: true},
	"endpoint":    {Tokenizer: TokenizerRaw, Indexed: true},
	"status_code": {Indexed: true},
	"trace_id":    {Tokenizer: TokenizerRaw, Indexed: true},
	"user_id":     {Tokenizer: TokenizerRaw, Indexed: true},
	"latency_ms":  {},
}
