package engine

import "errors"

// CommitMode says when Ingest returns relative to searchability, mirroring
// Quickwit's commit=auto|wait_for|force and Elasticsearch's refresh.
type CommitMode int

const (
	// CommitAuto returns once the batch is durable (WAL fsynced); it becomes
	// searchable within the commit timeout.
	CommitAuto CommitMode = iota
	// CommitWaitFor returns once the batch is searchable by the normal commit.
	CommitWaitFor
	// CommitForce commits at once and returns when the batch is searchable.
	CommitForce
)

// IngestOptions tunes one Ingest call.
type IngestOptions struct {
	Commit CommitMode
	// IDs, when set, holds one client-chosen document id per document ("" for
	// none), as Elasticsearch's bulk `_id`. An id makes retries idempotent:
	// a document whose id the index already holds is never stored twice.
	IDs []string
	// IDMode says what a document whose id is already stored gets.
	IDMode IDMode
}

// IDMode is what Ingest does with a document whose id the index already holds.
type IDMode uint8

const (
	// IDIndex acknowledges it without storing it again (Elasticsearch's
	// `index` action; the first stored version is kept).
	IDIndex IDMode = iota
	// IDCreate rejects it with a DocError of kind DocConflict
	// (Elasticsearch's `create` action, answered 409).
	IDCreate
)

// DocErrorKind classifies a rejected document.
type DocErrorKind uint8

const (
	// DocInvalid: the document cannot be stored as it is (HTTP 400).
	DocInvalid DocErrorKind = iota
	// DocConflict: IDCreate and the id is already stored (HTTP 409).
	DocConflict
)

// DocError reports why one document of a batch was rejected; the rest of
// the batch is unaffected.
type DocError struct {
	// Position is the 0-based index of the document in the Ingest call.
	Position int
	Reason   string
	Kind     DocErrorKind
}

// IngestResult counts what one Ingest call accepted and rejected.
type IngestResult struct {
	// Accepted counts documents stored by this call.
	Accepted int
	Rejected []DocError
	// Existing lists the positions of documents not stored again because
	// their id was already stored (IDIndex); they count as successes.
	Existing []int
}

var (
	// ErrOverloaded means the in-memory buffer is full; nothing of the call
	// was written, so the caller may retry the whole batch (HTTP 429).
	ErrOverloaded = errors.New("ingest buffer is full, retry later")
	// ErrIndexNotFound means the named index does not exist (HTTP 404).
	ErrIndexNotFound = errors.New("index not found")
)
