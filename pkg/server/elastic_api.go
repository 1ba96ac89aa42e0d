package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
)

// maxSearchBody bounds a search or msearch body (gzip and zstd decoded).
const maxSearchBody = 10 << 20

// maxMsearchSearches bounds the searches of one _msearch request.
const maxMsearchSearches = 200

// elasticAPI serves the read side of the Elasticsearch-compatible API
// under /api/v1/_elastic, at the level Quickwit documents for its own:
// _search, _msearch, _count, _field_caps and _mapping over index ids,
// '*' patterns and comma lists. Every answer carries X-Elastic-Product.
type elasticAPI struct {
	eng     *engine.Engine
	metrics *Metrics
	logger  *slog.Logger
	// now anchors date math; nil means time.Now (tests pin it).
	now func() time.Time
}

func (a elasticAPI) register(mux *http.ServeMux) {
	route := func(pattern string, h http.HandlerFunc) {
		for _, method := range []string{"GET", "POST"} {
			if strings.HasSuffix(pattern, "_mapping") && method == "POST" {
				continue
			}
			mux.Handle(method+" /api/v1/_elastic"+pattern, ingest.ElasticProduct(h))
		}
	}
	for _, prefix := range []string{"", "/{index}"} {
		route(prefix+"/_search", a.search)
		route(prefix+"/_msearch", a.msearch)
		route(prefix+"/_count", a.count)
		route(prefix+"/_field_caps", a.fieldCaps)
		route(prefix+"/_mapping", a.mapping)
	}
}

func (a elasticAPI) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// readSearchInput checks the URL parameters and reads the body of a
// search-like request, answering the error itself when it fails.
func readSearchInput(w http.ResponseWriter, r *http.Request) (url.Values, []byte, bool) {
	q := r.URL.Query()
	if err := checkURLParams(q); err != nil {
		writeElasticError(w, err)
		return nil, nil, false
	}
	body, err := ingest.ReadBody(r, maxSearchBody)
	if err != nil {
		writeElasticError(w, badRequest("%v", err))
		return nil, nil, false
	}
	return q, body, true
}

func (a elasticAPI) search(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	defer a.metrics.ObserveQuery("elastic_search", started)
	q, body, ok := readSearchInput(w, r)
	if !ok {
		return
	}
	resp, err := a.runOne(r, r.PathValue("index"), body, q, started)
	if err != nil {
		writeElasticError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// runOne runs one search of r over the indexes expr names.
func (a elasticAPI) runOne(r *http.Request, expr string, body []byte, q map[string][]string, started time.Time) (map[string]any, error) {
	indexes, err := resolveIndexes(a.eng, expr, boolParam(q, "ignore_unavailable"))
	if err != nil {
		return nil, err
	}
	req, err := parseSearchBody(body, q, timestampFields(indexes))
	if err != nil {
		return nil, err
	}
	res, err := a.run(r, expr, q, req, indexes)
	if err != nil {
		return nil, err
	}
	return searchResponse(req, res, len(indexes), boolParam(q, "rest_total_hits_as_int"), started), nil
}

// run runs req as r asks: without partial answers when
// allow_partial_search_results=false (a damaged split then fails the
// search, as a missing shard does in Elasticsearch); a partial answer is
// logged as the native search API logs it.
func (a elasticAPI) run(r *http.Request, expr string, q map[string][]string, req *esSearchRequest, indexes []esIndex) (*searchResult, error) {
	ctx := r.Context()
	if v, ok := q["allow_partial_search_results"]; ok && len(v) > 0 && v[0] == "false" {
		ctx = engine.WithoutPartialResults(ctx)
	}
	res, err := runSearch(ctx, a.eng, req, indexes, a.clock())
	if err != nil {
		return nil, err
	}
	answerErrors(a.logger, r, expr, res.warnings)
	return res, nil
}

func boolParam(q map[string][]string, name string) bool {
	v, ok := q[name]
	if !ok {
		return false
	}
	return len(v) == 0 || v[0] == "" || v[0] == "true"
}

func searchResponse(req *esSearchRequest, res *searchResult, nIndexes int, totalAsInt bool, started time.Time) map[string]any {
	hits := make([]map[string]any, len(res.hits))
	for i, h := range res.hits {
		hits[i] = renderHit(h, req)
	}
	hitsObj := map[string]any{"max_score": nil, "hits": hits}
	if req.trackLimit != 0 {
		total, relation := res.total, "eq"
		if req.trackLimit > 0 && total > int64(req.trackLimit) {
			total, relation = int64(req.trackLimit), "gte"
		}
		if totalAsInt {
			hitsObj["total"] = total
		} else {
			hitsObj["total"] = map[string]any{"value": total, "relation": relation}
		}
	}
	out := map[string]any{
		"took":      time.Since(started).Milliseconds(),
		"timed_out": false,
		"_shards":   shardsInfo(nIndexes, res.skipped, res.warnings),
		"hits":      hitsObj,
	}
	if len(req.aggs) > 0 {
		out["aggregations"] = elasticAggResult(req.aggs, res.aggs, res.ranges)
	}
	return out
}

// shardsInfo reports damaged splits left out of an answer as failed
// shards, so a partial answer is never silent.
func shardsInfo(nIndexes int, skipped, warnings []string) map[string]any {
	info := map[string]any{"total": nIndexes + len(skipped), "successful": nIndexes, "skipped": 0, "failed": len(skipped)}
	if len(skipped) > 0 {
		failures := make([]map[string]any, 0, len(skipped))
		for i, s := range skipped {
			reason := "damaged split left out of the answer"
			if i < len(warnings) {
				reason = warnings[i]
			}
			failures = append(failures, map[string]any{"shard": i, "index": s, "reason": map[string]string{"type": "corrupt_split", "reason": reason}})
		}
		info["failures"] = failures
	}
	return info
}

// msearch serves _msearch: NDJSON pairs of a header ({"index": …}) and a
// search body; each search is answered in order, a failing one with its
// own error and status.
func (a elasticAPI) msearch(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	defer a.metrics.ObserveQuery("elastic_msearch", started)
	q, body, ok := readSearchInput(w, r)
	if !ok {
		return
	}
	pairs, err := splitMsearch(body)
	if err != nil {
		writeElasticError(w, err)
		return
	}
	responses := make([]map[string]any, 0, len(pairs))
	for _, p := range pairs {
		resp, err := a.msearchOne(r, r.PathValue("index"), p, q)
		if err != nil {
			status, body := elasticErrorBody(err)
			body["status"] = status
			responses = append(responses, body)
			continue
		}
		resp["status"] = http.StatusOK
		responses = append(responses, resp)
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": time.Since(started).Milliseconds(), "responses": responses})
}

type msearchPair struct{ header, body []byte }

func splitMsearch(body []byte) ([]msearchPair, error) {
	var lines [][]byte
	for _, l := range bytes.Split(body, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, illegalArgument("no requests added: _msearch needs a header line and a body line per search")
	}
	if len(lines)%2 != 0 {
		return nil, illegalArgument("the last _msearch header (line %d) has no body line after it", len(lines))
	}
	if len(lines)/2 > maxMsearchSearches {
		return nil, illegalArgument("%d searches in one _msearch; send at most %d", len(lines)/2, maxMsearchSearches)
	}
	pairs := make([]msearchPair, 0, len(lines)/2)
	for i := 0; i < len(lines); i += 2 {
		pairs = append(pairs, msearchPair{header: lines[i], body: lines[i+1]})
	}
	return pairs, nil
}

// msearchOne runs one search of an _msearch; header keys act as the
// search's URL parameters.
func (a elasticAPI) msearchOne(r *http.Request, pathIndex string, p msearchPair, q map[string][]string) (map[string]any, error) {
	started := time.Now()
	h, err := objectAt(p.header, "msearch header")
	if err != nil {
		return nil, err
	}
	params := map[string][]string{}
	for k, v := range q {
		params[k] = v
	}
	index := pathIndex
	if h.has("index") {
		var list []string
		for _, r := range oneOrMany(h.raw("index")) {
			var s string
			if err := json.Unmarshal(r, &s); err != nil {
				return nil, badRequest("[msearch header.index] must be a string or a list of strings")
			}
			list = append(list, s)
		}
		index = strings.Join(list, ",")
	}
	for _, key := range []string{"ignore_unavailable", "allow_no_indices", "allow_partial_search_results"} {
		if h.has(key) {
			var v bool
			if err := h.take(key, &v); err != nil {
				return nil, err
			}
			params[key] = []string{strconv.FormatBool(v)}
		}
	}
	h.ignore("search_type", "preference", "routing", "request_cache", "expand_wildcards", "ccs_minimize_roundtrips")
	if err := h.done(); err != nil {
		return nil, err
	}
	return a.runOne(r, index, p.body, params, started)
}

// count serves _count: the number of documents a query matches.
func (a elasticAPI) count(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	defer a.metrics.ObserveQuery("elastic_count", started)
	q, body, ok := readSearchInput(w, r)
	if !ok {
		return
	}
	indexes, err := resolveIndexes(a.eng, r.PathValue("index"), boolParam(q, "ignore_unavailable"))
	if err != nil {
		writeElasticError(w, err)
		return
	}
	var queryRaw json.RawMessage
	if b := bytes.TrimSpace(body); len(b) > 0 {
		o, err := objectAt(b, "count")
		if err != nil {
			writeElasticError(w, err)
			return
		}
		queryRaw = o.raw("query")
		if err := o.done(); err != nil {
			writeElasticError(w, err)
			return
		}
	}
	req := &esSearchRequest{query: queryRaw, trackLimit: -1}
	if err := req.readURL(q); err != nil {
		writeElasticError(w, err)
		return
	}
	req.size, req.from = 0, 0
	res, err := a.run(r, r.PathValue("index"), q, req, indexes)
	if err != nil {
		writeElasticError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": res.total, "_shards": shardsInfo(len(indexes), res.skipped, res.warnings)})
}

// writeElasticError answers err in Elasticsearch's error shape.
func writeElasticError(w http.ResponseWriter, err error) {
	status, body := elasticErrorBody(err)
	body["status"] = status
	writeJSON(w, status, body)
}

func elasticErrorBody(err error) (int, map[string]any) {
	status, typ := http.StatusInternalServerError, "exception"
	var reqErr *requestError
	var notFound *indexNotFoundError
	var qerr *engine.QueryError
	var partial *engine.PartialResultError
	extra := map[string]any{}
	switch {
	case errors.As(err, &reqErr):
		status, typ = http.StatusBadRequest, reqErr.typ
	case errors.As(err, &notFound):
		status, typ = http.StatusNotFound, "index_not_found_exception"
		extra["index"] = notFound.index
	case errors.Is(err, engine.ErrIndexNotFound):
		status, typ = http.StatusNotFound, "index_not_found_exception"
	case errors.As(err, &qerr):
		status, typ = http.StatusBadRequest, "query_shard_exception"
	case errors.As(err, &partial):
		// Elasticsearch's answer to missing shards under
		// allow_partial_search_results=false.
		status, typ = http.StatusServiceUnavailable, "search_phase_execution_exception"
	case strings.Contains(err.Error(), "buckets, more than the limit"):
		status, typ = http.StatusBadRequest, "too_many_buckets_exception"
	case errors.Is(err, engine.ErrInvalidRequest):
		// A query limit (time, memory) or a request that can never
		// succeed: the native search API's 400 too.
		status, typ = http.StatusBadRequest, "illegal_argument_exception"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		status, typ = http.StatusServiceUnavailable, "task_cancelled_exception"
	}
	cause := map[string]any{"type": typ, "reason": err.Error()}
	for k, v := range extra {
		cause[k] = v
	}
	return status, map[string]any{"error": map[string]any{"root_cause": []any{cause}, "type": typ, "reason": err.Error()}}
}
