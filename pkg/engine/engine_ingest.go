package engine

import (
	"context"
	"fmt"
)

// Ingest checks each raw JSON object against the index mapping; valid ones
// are made durable (WAL fsync, group commit) before it returns; invalid
// ones are reported in Rejected and do not stop the valid ones. When the
// buffer is full it returns ErrOverloaded having written nothing, so the
// caller can retry the whole call without creating duplicates.
func (e *Engine) Ingest(ctx context.Context, index string, docs [][]byte, opts IngestOptions) (IngestResult, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return IngestResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return IngestResult{}, err
	}
	m := ix.mapper.Load()
	var res IngestResult
	events := make([]Event, 0, len(docs))
	var batch docBatch
	for i, doc := range docs {
		ev, err := m.parseDocumentIn(doc, &batch)
		if err != nil {
			res.Rejected = append(res.Rejected, DocError{Position: i, Reason: err.Error()})
			continue
		}
		events = append(events, ev)
	}
	if len(events) == 0 {
		return res, nil
	}
	r := &commitReq{events: events, done: make(chan error, 1)}
	for i := range events {
		if i == 0 {
			r.body = make([]byte, 0, walBodyCap(docs))
		}
		r.body = appendEvent(r.body, &events[i])
		r.size += eventSize(&events[i])
	}
	if !e.admit(ctx, r.size) {
		return IngestResult{}, ErrOverloaded
	}
	if err := ix.submit(r); err != nil {
		e.unreserve(r.size)
		return IngestResult{}, err
	}
	// Once submitted the batch is waited for even if ctx ends: returning
	// early could not take it back, and a retry would duplicate it.
	if err := <-r.done; err != nil {
		e.unreserve(r.size)
		return IngestResult{}, fmt.Errorf("ingest into index %q: nothing of this batch was stored: %w", index, err)
	}
	res.Accepted = len(events)
	switch opts.Commit {
	case CommitForce:
		ix.commitNow()
	case CommitWaitFor:
		// The batch is durable; a cancelled wait only gives up on seeing it
		// searchable, so it is still reported as accepted.
		select {
		case <-r.committed:
		case <-ctx.Done():
		}
	}
	return res, nil
}

// walBodyCap sizes a batch's WAL encoding up front: an event's encoding
// (field names, kinds, lengths, values) is no longer than its JSON text
// (names in quotes, separators, numbers as text) for typical logs, and
// growing an 8 MB request's record by doubling copied and freed 2x its size.
func walBodyCap(docs [][]byte) int {
	n := 0
	for _, d := range docs {
		n += len(d) + 16
	}
	return n
}
