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
}

// DocError reports why one document of a batch was rejected; the rest of
// the batch is unaffected.
type DocError struct {
	// Position is the 0-based index of the document in the Ingest call.
	Position int
	Reason   string
}

// IngestResult counts what one Ingest call accepted and rejected.
type IngestResult struct {
	Accepted int
	Rejected []DocError
}

var (
	// ErrOverloaded means the in-memory buffer is full; nothing of the call
	// was written, so the caller may retry the whole batch (HTTP 429).
	ErrOverloaded = errors.New("ingest buffer is full, retry later")
	// ErrIndexNotFound means the named index does not exist (HTTP 404).
	ErrIndexNotFound = errors.New("index not found")
)
