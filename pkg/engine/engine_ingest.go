package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// Ingest checks each raw JSON object against the index mapping; valid ones
// are made durable (WAL fsync, group commit) before it returns; invalid
// ones are reported in Rejected and do not stop the valid ones. When the
// buffer is full it returns ErrOverloaded having written nothing, so the
// caller can retry the whole call without creating duplicates.
//
// With opts.IDs, a document whose id the index already holds (in a split,
// in the buffer, or earlier in the same call) is not stored again: it is
// listed in Existing (IDIndex) or rejected as a DocConflict (IDCreate).
func (e *Engine) Ingest(ctx context.Context, index string, docs [][]byte, opts IngestOptions) (IngestResult, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return IngestResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return IngestResult{}, err
	}
	if opts.IDs != nil && len(opts.IDs) != len(docs) {
		return IngestResult{}, fmt.Errorf("ingest into index %q: %d document ids for %d documents", index, len(opts.IDs), len(docs))
	}
	m := ix.mapper.Load()
	var res IngestResult
	events := make([]event.Event, 0, len(docs))
	var batch docBatch
	var ids []string // per event, when the call has ids
	var pos []int    // each event's document position, when the call has ids
	hasIDs := false
	if opts.IDs != nil {
		ids, pos = make([]string, 0, len(docs)), make([]int, 0, len(docs))
	}
	for i, doc := range docs {
		id := ""
		if opts.IDs != nil {
			id = opts.IDs[i]
		}
		ev, err := m.parseDocumentIn(doc, &batch, id)
		if err != nil {
			res.Rejected = append(res.Rejected, DocError{Position: i, Reason: err.Error(), Kind: DocInvalid})
			continue
		}
		if opts.IDs != nil {
			ids, pos = append(ids, id), append(pos, i)
			hasIDs = hasIDs || id != ""
		}
		events = append(events, ev)
	}
	if !hasIDs {
		ids = nil
	}
	if ids != nil {
		// Held until the batch is committed: no flush moves ids from the
		// buffer into a split meanwhile (see idIndex).
		ix.ids.swap.RLock()
		defer ix.ids.swap.RUnlock()
		events, ids, pos, err = ix.dropStoredIDs(events, ids, pos, opts.IDMode, &res)
		if err != nil {
			return IngestResult{}, fmt.Errorf("ingest into index %q: nothing of this batch was stored: %w", index, err)
		}
	}
	if len(events) == 0 {
		return finishResult(res), nil
	}
	r := &commitReq{events: events, ids: ids, done: make(chan error, 1)}
	for i := range events {
		if i == 0 {
			r.body = make([]byte, 0, walBodyCap(docs))
		}
		r.body = wal.AppendEvent(r.body, &events[i])
		r.size += event.MemSize(&events[i])
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
	for _, i := range r.dropped {
		res.storedID(pos[i], ids[i], opts.IDMode)
	}
	res.Accepted = len(r.events)
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
	return finishResult(res), nil
}

// dropStoredIDs removes the events whose id is already in a split or
// earlier in the batch; the committer settles ids still in the buffer.
func (ix *indexState) dropStoredIDs(events []event.Event, ids []string, pos []int, mode IDMode, res *IngestResult) ([]event.Event, []string, []int, error) {
	stored, err := ix.idsInSplits(ids)
	if err != nil {
		return nil, nil, nil, err
	}
	if ix.ids.afterSplitCheck != nil {
		ix.ids.afterSplitCheck()
	}
	seen := make(map[string]struct{}, len(ids))
	n := 0
	for i := range events {
		id := ids[i]
		if id != "" {
			_, dup := seen[id]
			if dup || stored[i] {
				res.storedID(pos[i], id, mode)
				continue
			}
			seen[id] = struct{}{}
		}
		events[n], ids[n], pos[n] = events[i], id, pos[i]
		n++
	}
	return events[:n], ids[:n], pos[:n], nil
}

// storedID records a document not stored again because its id is.
func (res *IngestResult) storedID(pos int, id string, mode IDMode) {
	if mode == IDCreate {
		res.Rejected = append(res.Rejected, DocError{Position: pos, Kind: DocConflict,
			Reason: fmt.Sprintf("[%s]: version conflict, document already exists", truncateForError(id))})
		return
	}
	res.Existing = append(res.Existing, pos)
}

// finishResult orders the per-document lists by position.
func finishResult(res IngestResult) IngestResult {
	slices.SortFunc(res.Rejected, func(a, b DocError) int { return a.Position - b.Position })
	slices.Sort(res.Existing)
	return res
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
