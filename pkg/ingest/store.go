// Package ingest decodes the write formats Triage's users already send
// (Quickwit NDJSON, Elasticsearch bulk, Loki push) and serves them over
// HTTP, handing documents to a Store (the engine).
package ingest

import (
	"context"

	"github.com/triage-logs/triage/pkg/engine"
)

// Store is the part of *engine.Engine the handlers need; tests supply a
// small in-memory one.
type Store interface {
	Ingest(ctx context.Context, index string, docs [][]byte, opts engine.IngestOptions) (engine.IngestResult, error)
}
