package ingest

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// elasticVersion is the Elasticsearch version Triage reports. Vector and
// other shippers pick their bulk dialect from it; 7.x means typeless bulk
// actions, which is what Triage reads.
const elasticVersion = "7.10.2"

// bulkItemResult is one entry of the bulk response's items array.
type bulkItemResult struct {
	Index  string     `json:"_index"`
	ID     string     `json:"_id,omitempty"`
	Status int        `json:"status"`
	Result string     `json:"result,omitempty"`
	Error  *BulkError `json:"error,omitempty"`
}

// elasticError is Elasticsearch's request-level error shape.
type elasticError struct {
	Error  elasticErrorBody `json:"error"`
	Status int              `json:"status"`
}

type elasticErrorBody struct {
	RootCause []BulkError `json:"root_cause"`
	Type      string      `json:"type"`
	Reason    string      `json:"reason"`
}

func (h *handler) elasticFail(w http.ResponseWriter, r *http.Request, status int, typ string, err error) {
	h.logFailure(r, status, err)
	h.setRetryAfter(w, status)
	cause := BulkError{Type: typ, Reason: err.Error()}
	writeJSON(w, status, elasticError{Error: elasticErrorBody{RootCause: []BulkError{cause}, Type: typ, Reason: cause.Reason}, Status: status})
}

func parseRefresh(r *http.Request) (engine.CommitMode, error) {
	q := r.URL.Query()
	if !q.Has("refresh") {
		return engine.CommitAuto, nil
	}
	switch v := q.Get("refresh"); v {
	case "", "true":
		return engine.CommitForce, nil
	case "wait_for":
		return engine.CommitWaitFor, nil
	case "false":
		return engine.CommitAuto, nil
	default:
		return 0, badRequest(fmt.Sprintf("refresh=%q is not supported; use true, wait_for or false", v))
	}
}

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

	// One Ingest call per index, in order of first appearance. Overload
	// of any call rejects the whole request with 429, since Vector's
	// elasticsearch sink does not retry individual items.
	var order []string
	byIndex := map[string][]int{}
	for i, it := range items {
		if it.Err != nil {
			continue
		}
		if _, seen := byIndex[it.Index]; !seen {
			order = append(order, it.Index)
		}
		byIndex[it.Index] = append(byIndex[it.Index], i)
	}
	results := make([]bulkItemResult, len(items))
	for i, it := range items {
		results[i] = bulkItemResult{Index: it.Index, ID: it.ID}
		if it.Err != nil {
			results[i].Status, results[i].Error = http.StatusBadRequest, it.Err
		}
	}
	for _, index := range order {
		idx := byIndex[index]
		docs := make([][]byte, len(idx))
		for j, i := range idx {
			docs[j] = items[i].Doc
		}
		res, err := h.store.Ingest(r.Context(), index, docs, engine.IngestOptions{Commit: commit})
		switch {
		case errors.Is(err, engine.ErrIndexNotFound):
			for _, i := range idx {
				results[i].Status = http.StatusNotFound
				results[i].Error = &BulkError{Type: "index_not_found_exception",
					Reason: fmt.Sprintf("no such index [%s]; create it first or fix _index", index)}
			}
			continue
		case errors.Is(err, engine.ErrOverloaded):
			h.elasticFail(w, r, http.StatusTooManyRequests, "es_rejected_execution_exception",
				fmt.Errorf("index [%s] is overloaded, retry the whole request later: %w", index, err))
			return
		case err != nil:
			h.elasticFail(w, r, statusFor(err), "exception", fmt.Errorf("ingest into index [%s]: %w", index, err))
			return
		}
		rejected := make(map[int]string, len(res.Rejected))
		for _, rej := range res.Rejected {
			rejected[rej.Position] = rej.Reason
		}
		for j, i := range idx {
			if reason, bad := rejected[j]; bad {
				results[i].Status = http.StatusBadRequest
				results[i].Error = &BulkError{Type: "document_parsing_exception", Reason: reason}
				continue
			}
			results[i].Status, results[i].Result = http.StatusCreated, "created"
		}
	}
	writeBulkResponse(w, time.Since(started).Milliseconds(), items, results)
}

// elasticInfo answers GET / of the Elasticsearch API: newer Vector reads
// version.number from it to choose its bulk dialect.
func (h *handler) elasticInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"name":         "triage",
		"cluster_name": "triage",
		"cluster_uuid": "triage",
		"version": map[string]any{
			"number":                              elasticVersion,
			"build_flavor":                        "default",
			"build_type":                          "triage",
			"lucene_version":                      "8.7.0",
			"minimum_wire_compatibility_version":  "6.8.0",
			"minimum_index_compatibility_version": "6.0.0-beta1",
		},
		"tagline": "You Know, for Search",
	})
}

// elasticHealth answers GET /_cluster/health, the call behind Vector's
// elasticsearch sink healthcheck (it only needs 200).
func (h *handler) elasticHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"cluster_name":         "triage",
		"status":               "green",
		"timed_out":            false,
		"number_of_nodes":      1,
		"number_of_data_nodes": 1,
	})
}

// elasticStateVersion answers GET /_cluster/state/version, which older
// Vector releases read ({"version": N}) to pick the API version.
func (h *handler) elasticStateVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"cluster_name": "triage", "cluster_uuid": "triage", "version": 7, "state_uuid": "triage"})
}
