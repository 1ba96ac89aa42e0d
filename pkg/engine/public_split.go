package engine

import (
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// The split format lives in pkg/engine/split; these names keep what the
// engine exported of it reachable as engine.X.

// IDField holds a document's client-chosen id (IngestOptions.IDs,
// Elasticsearch's _id): a raw text field, searchable as `_id:abc`.
const IDField = split.IDField

// Tokenizer names a text field's mapping may choose.
const (
	TokenizerDefault    = split.TokenizerDefault
	TokenizerRaw        = split.TokenizerRaw
	TokenizerLowercase  = split.TokenizerLowercase
	TokenizerWhitespace = split.TokenizerWhitespace
)

// ErrCorruptSplit marks errors from reading a damaged split.
var ErrCorruptSplit = split.ErrCorrupt

type (
	Split       = split.Split
	SplitMeta   = split.Meta
	SplitSchema = split.Schema
	FieldSpec   = split.FieldSpec
	FieldMeta   = split.FieldMeta
	BlockMeta   = split.BlockMeta
	BloomRef    = split.BloomRef
)

// OpenSplit opens a split directory for reading.
func OpenSplit(path string) (*Split, error) { return split.Open(path) }

// ReadSplitMeta reads a split's metadata without opening its data.
func ReadSplitMeta(path string) (SplitMeta, error) { return split.ReadMeta(path) }

// WriteSplit writes events (sorted by (Timestamp, Seq)) as a new split in dir.
func WriteSplit(dir string, schema SplitSchema, events []event.Event) (SplitMeta, error) {
	return split.WriteSplit(dir, schema, events)
}

// IsSplitTemp reports whether a directory name is a split being written.
func IsSplitTemp(name string) bool { return split.IsSplitTemp(name) }

// RemoveSplitTemps removes the splits a crash left half-written in dir.
func RemoveSplitTemps(dir string) error { return split.RemoveSplitTemps(dir) }
