package ingest

import (
	"fmt"
	"net/http"
	"strings"
)

// elasticPrefix is where Triage serves its Elasticsearch-compatible API,
// as Quickwit does.
const elasticPrefix = "/api/v1/_elastic"

// ElasticProduct sets `X-Elastic-Product: Elasticsearch` on every answer
// under /api/v1/_elastic, errors included: go-elasticsearch 8 and 9,
// elasticsearch-py 8 and the Java client refuse an answer without it
// ("the server is not Elasticsearch"), and go-elasticsearch 7.14+ checks
// it too. Other paths are left alone.
func ElasticProduct(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsElasticPath(r.URL.Path) {
			w.Header().Set("X-Elastic-Product", "Elasticsearch")
		}
		next.ServeHTTP(w, r)
	})
}

// IsElasticPath reports whether path is under the Elasticsearch API.
func IsElasticPath(path string) bool {
	return path == elasticPrefix || strings.HasPrefix(path, elasticPrefix+"/")
}

// elasticUnsupported answers Elasticsearch endpoints Triage does not serve
// in Elasticsearch's error shape, naming what it does serve.
func (h *handler) elasticUnsupported(w http.ResponseWriter, r *http.Request) {
	h.elasticFail(w, r, http.StatusNotFound, "illegal_argument_exception", fmt.Errorf(
		"no handler found for uri [%s] and method [%s]: Triage's Elasticsearch API serves GET /, _cluster/health, _cat/health, _bulk, "+
			"{index}/_search, _msearch, {index}/_count, _field_caps and _mapping", r.URL.Path, r.Method))
}

// elasticCatHealth answers GET /_cat/health, the connection check rsyslog's
// omelasticsearch makes before resuming after a failure.
func (h *handler) elasticCatHealth(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("format") == "json" {
		writeJSON(w, http.StatusOK, []map[string]string{{"cluster": "triage", "status": "green", "node.total": "1", "node.data": "1"}})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	fmt.Fprintln(w, "triage green 1 1")
}
