// Package backend is the seam between the Grafana adapter and the store
// that answers its queries: the embedded engine, or a remote Quickwit or
// VictoriaLogs cluster. The plugin builds frames, links, volume, context,
// paging and live tail once, above this interface; each store implements it.
//
// The request and result types are the engine's, so the embedded store is a
// pass-through without copying; remote adapters translate them to their
// store's API and back. This package imports the engine and the query
// language, never the Grafana SDK.
package backend

import (
	"context"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// Backend executes the query model against one store. Every method is safe
// for concurrent use. Query text in requests is Triage's query language
// (macros already expanded); a remote adapter prints it in its store's
// language and refuses, with an *UnsupportedError wrapped in an
// *engine.QueryError, what that store cannot express.
type Backend interface {
	// Name is the backend kind: "embedded", "quickwit" or "victorialogs".
	Name() string
	// Search returns one page of hits in (timestamp, tie-breaker) order.
	Search(ctx context.Context, req SearchRequest) (SearchResult, error)
	// Aggregate computes date histograms, terms, histograms (fixed interval
	// or explicit bounds) and metrics, with the engine's result shape:
	// date histograms fill every bucket of [Start, End).
	Aggregate(ctx context.Context, req engine.AggRequest) (engine.AggResult, error)
	// Fields lists an index's fields for the editor.
	Fields(ctx context.Context, index string) ([]engine.FieldInfo, error)
	// FieldValues lists a field's most frequent values, by descending count
	// then value.
	FieldValues(ctx context.Context, req engine.FieldValuesRequest) ([]engine.FieldValue, error)
	// Index describes where an index keeps its timestamp, log line and level.
	Index(ctx context.Context, index string) (IndexInfo, error)
	// Indexes lists the indexes the store holds.
	Indexes(ctx context.Context) ([]IndexInfo, error)
	// Tail follows new events matching a query until ctx ends or Close.
	Tail(ctx context.Context, req TailRequest) (Tail, error)
	// Health says whether the store answers, and which one it is.
	Health(ctx context.Context) Health
}

// Kinds of backend, as the datasource setting `backend` names them.
const (
	KindEmbedded     = "embedded"
	KindQuickwit     = "quickwit"
	KindVictoriaLogs = "victorialogs"
)

// SearchRequest is a page request. Cursor, when set, continues from a
// previous page's SearchResult.Cursor and takes precedence over After.
type SearchRequest struct {
	engine.SearchRequest
	// Cursor is opaque and only valid for the backend that returned it.
	Cursor string
}

// SearchResult is one page of hits. Cursor is empty on the last page.
// Warnings say when the answer is partial (damaged splits left out, failed
// remote splits or storage nodes): a partial answer is never silent.
type SearchResult struct {
	engine.SearchResult
	Cursor string
}

// IndexInfo is what the plugin needs to know about an index to show logs.
type IndexInfo struct {
	ID             string
	TimestampField string
	// MessageField and LevelField may be empty when the store does not say.
	MessageField string
	LevelField   string
	// DefaultSearchFields are searched by clauses without a field.
	DefaultSearchFields []string
	// CommitDelay is how long after ingest an event may take to become
	// searchable (Quickwit's commit timeout); live tails lag by it.
	CommitDelay time.Duration
	// Stats is set by the embedded store only.
	Stats *engine.IndexStats
}

// TailRequest asks for the new events of an index matching Query.
type TailRequest struct {
	Index string
	Query string
	// Buffer is the number of undelivered batches kept before dropping.
	Buffer int
}

// Tail is a live subscription. Events delivers batches in (roughly)
// commit order and is closed when the tail ends; Err then says why (nil
// after Close or when ctx ended).
type Tail interface {
	Events() <-chan []engine.Event
	// Dropped counts matching events not delivered because the subscriber
	// was behind.
	Dropped() int64
	Err() error
	Close()
}

// Health is the answer of a health check.
type Health struct {
	// Backend is the kind; Version the store's version when it says.
	Backend string `json:"backend"`
	Version string `json:"version,omitempty"`
	// URL is the remote address (empty for the embedded store).
	URL       string `json:"url,omitempty"`
	Reachable bool   `json:"reachable"`
	// Message says what was checked, or what failed and what to change.
	Message string `json:"message"`
	// Latency is how long the check's round trips took.
	Latency time.Duration `json:"latencyNs"`
}
