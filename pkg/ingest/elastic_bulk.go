package ingest

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// bulkGroup is the items of one bulk request that go to the store in one
// Ingest call: same index, same id mode (index or create).
type bulkGroup struct {
	index string
	mode  engine.IDMode
	items []int // positions in the request
}

// groupBulk splits the parsed items into store calls, in order of first
// appearance; items that failed to parse are in no group.
func groupBulk(items []BulkItem) []*bulkGroup {
	type key struct {
		index string
		mode  engine.IDMode
	}
	var order []*bulkGroup
	byKey := map[key]*bulkGroup{}
	for i, it := range items {
		if it.Err != nil {
			continue
		}
		k := key{it.Index, engine.IDIndex}
		if it.Action == "create" {
			k.mode = engine.IDCreate
		}
		g := byKey[k]
		if g == nil {
			g = &bulkGroup{index: k.index, mode: k.mode}
			byKey[k] = g
			order = append(order, g)
		}
		g.items = append(g.items, i)
	}
	return order
}

// groupFailure is how a store error is reported on each item of a group.
func groupFailure(index string, err error) (int, *BulkError) {
	switch {
	case errors.Is(err, engine.ErrIndexNotFound):
		return http.StatusNotFound, &BulkError{Type: "index_not_found_exception",
			Reason: fmt.Sprintf("no such index [%s]; create it first or fix _index", index)}
	case errors.Is(err, engine.ErrOverloaded):
		return http.StatusTooManyRequests, &BulkError{Type: "es_rejected_execution_exception",
			Reason: fmt.Sprintf("index [%s] is overloaded (ingest buffer full): nothing of this item was stored, retry it later", index)}
	}
	return statusFor(err), &BulkError{Type: "exception",
		Reason: fmt.Sprintf("ingest into index [%s]: %v; nothing of this item was stored, retry it", index, err)}
}

// elasticBulk serves Elasticsearch's bulk API. Each item gets the status
// Elasticsearch gives it: 201 created; 200 "noop" for an index action whose
// _id is already stored (the first version is kept: indexes are
// append-only); 409 for a create whose _id is stored; 400/404 for bad
// items.
//
// A store failure (overload above all) is answered for the whole request
// (429 or 503, with Retry-After, which Vector, Fluent Bit and
// go-elasticsearch retry) only while nothing of the request has been
// stored, so a resend can never duplicate. Once part of it is stored (a
// later index of a multi-index request is full), the answer is 200 with
// the failure on each affected item, so a client retries only those.
func (h *handler) elasticBulk(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	commit, err := parseRefresh(r)
	if err != nil {
		h.elasticFail(w, r, http.StatusBadRequest, "illegal_argument_exception", err)
		return
	}
	body, err := h.readLineBody(r)
	if err != nil {
		h.elasticFail(w, r, statusFor(err), "parse_exception", err)
		return
	}
	items, err := ParseBulk(body, r.PathValue("index"))
	if err != nil {
		h.elasticFail(w, r, statusFor(err), "illegal_argument_exception", err)
		return
	}
	if len(items) == 0 {
		h.elasticFail(w, r, http.StatusBadRequest, "action_request_validation_exception",
			errors.New("validation failed: no requests added; send action and document lines"))
		return
	}

	results := make([]bulkItemResult, len(items))
	for i, it := range items {
		results[i] = bulkItemResult{Index: it.Index, ID: it.ID}
		if it.Err != nil {
			results[i].Status, results[i].Error = http.StatusBadRequest, it.Err
		}
	}
	stored := false
	groups := groupBulk(items)
	for gi, g := range groups {
		res, err := h.store.Ingest(r.Context(), g.index, groupDocs(items, g), engine.IngestOptions{
			Commit: commit, IDs: groupIDs(items, g), IDMode: g.mode})
		if err != nil {
			status, itemErr := groupFailure(g.index, err)
			if !stored && (status >= 500 || status == http.StatusTooManyRequests) {
				// Nothing of the request is stored: refuse it whole, so a
				// client that retries whole requests resends it safely.
				for _, rest := range groups[gi:] {
					for _, i := range rest.items {
						results[i].Status, results[i].Error = status, itemErr
					}
				}
				h.bulkRefused(w, r, status, itemErr, items, results, started)
				return
			}
			for _, i := range g.items {
				results[i].Status, results[i].Error = status, itemErr
			}
			continue
		}
		h.applyGroupResult(items, results, g, res)
		if res.Accepted > 0 {
			stored = true
		}
	}
	writeBulkResponse(w, http.StatusOK, nil, started, items, results)
}

func groupDocs(items []BulkItem, g *bulkGroup) [][]byte {
	docs := make([][]byte, len(g.items))
	for j, i := range g.items {
		docs[j] = items[i].Doc
	}
	return docs
}

// groupIDs returns the group's document ids, or nil when none has one.
func groupIDs(items []BulkItem, g *bulkGroup) []string {
	var ids []string
	for j, i := range g.items {
		if items[i].ID == "" {
			continue
		}
		if ids == nil {
			ids = make([]string, len(g.items))
		}
		ids[j] = items[i].ID
	}
	return ids
}

// applyGroupResult sets each item of g from the store's answer.
func (h *handler) applyGroupResult(items []BulkItem, results []bulkItemResult, g *bulkGroup, res engine.IngestResult) {
	for _, rej := range res.Rejected {
		if rej.Position < 0 || rej.Position >= len(g.items) {
			continue
		}
		i := g.items[rej.Position]
		if rej.Kind == engine.DocConflict {
			results[i].Status = http.StatusConflict
			results[i].Error = &BulkError{Type: "version_conflict_engine_exception",
				Reason: fmt.Sprintf("[%s]: version conflict, document already exists (current version [1])", items[i].ID)}
			continue
		}
		results[i].Status = http.StatusBadRequest
		results[i].Error = &BulkError{Type: "document_parsing_exception", Reason: rej.Reason}
		if rej.Kind == engine.DocInvalid {
			// Not JSON at all: the answer the parse in bulk.go would give.
			if perr := documentParseError(items[i].Line+1, items[i].Doc); perr != nil {
				results[i].Error = perr
			}
		}
	}
	existing := make(map[int]bool, len(res.Existing))
	for _, pos := range res.Existing {
		existing[pos] = true
	}
	for j, i := range g.items {
		switch {
		case results[i].Status != 0:
		case existing[j]:
			results[i].Status, results[i].Result = http.StatusOK, "noop"
		default:
			results[i].Status, results[i].Result = http.StatusCreated, "created"
		}
	}
}

// bulkRefused answers a request of which nothing was stored with a
// whole-request status, Elasticsearch's error object and every item.
func (h *handler) bulkRefused(w http.ResponseWriter, r *http.Request, status int, cause *BulkError, items []BulkItem, results []bulkItemResult, started time.Time) {
	h.logFailure(r, status, errors.New(cause.Reason))
	h.setRetryAfter(w, status)
	refusal := &elasticError{Error: elasticErrorBody{RootCause: []BulkError{*cause}, Type: cause.Type,
		Reason: "nothing of this bulk request was stored: " + cause.Reason}, Status: status}
	writeBulkResponse(w, status, refusal, started, items, results)
}
