package ingest

import (
	"fmt"
	"net/http"

	"github.com/triage-logs/triage/pkg/engine"
)

// elasticVersion is the Elasticsearch version Triage reports. Vector and
// other shippers pick their bulk dialect from it (7.x: typeless actions,
// which is what Triage reads); Grafana's Elasticsearch datasource warns
// below 7.16, and go-elasticsearch 7.14+ checks X-Elastic-Product instead.
const elasticVersion = "7.17.0"

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
			"lucene_version":                      "8.11.1",
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
