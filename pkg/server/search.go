package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// searchRequest is Quickwit's search request: query parameters for GET, a
// JSON body for POST, with aggregations in Elasticsearch's syntax.
type searchRequest struct {
	Query          string                     `json:"query"`
	StartTimestamp *int64                     `json:"start_timestamp"`
	EndTimestamp   *int64                     `json:"end_timestamp"`
	MaxHits        *int                       `json:"max_hits"`
	StartOffset    int                        `json:"start_offset"`
	SortBy         string                     `json:"sort_by"`
	SearchField    searchFields               `json:"search_field"`
	CountAll       *bool                      `json:"count_all"`
	Format         string                     `json:"format"`
	Aggs           map[string]json.RawMessage `json:"aggs"`
}

// searchFields is Quickwit's search_field: a comma-separated list (or, in
// a JSON body, an array) of the fields bare terms are searched in.
type searchFields []string

func (f *searchFields) UnmarshalJSON(b []byte) error {
	var list []string
	if json.Unmarshal(b, &list) == nil {
		*f = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("search_field must be a string like \"message,service\" or an array of field names")
	}
	*f = splitList(s)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// searchParams are the query-string parameters Quickwit's search accepts;
// any other is refused, so a misspelt one is not silently ignored.
var searchParams = map[string]bool{"query": true, "start_timestamp": true, "end_timestamp": true, "max_hits": true,
	"start_offset": true, "sort_by": true, "search_field": true, "count_all": true, "format": true}

// searchAPI serves GET|POST /api/v1/{index}/search.
type searchAPI struct {
	eng     *engine.Engine
	metrics *Metrics
	logger  *slog.Logger
	// next serves the other /api/v1/{index}/{op} routes (ingest).
	next http.Handler
}

// register uses /api/v1/{index}/{op} rather than .../search: Go's router
// refuses .../search beside /api/v1/indexes/{id} (neither is more
// specific), while the indexes routes are more specific than this one.
func (a searchAPI) register(mux *http.ServeMux) {
	route := func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("op") != "search" || r.PathValue("index") == "_elastic" {
			a.next.ServeHTTP(w, r) // e.g. POST /api/v1/{index}/ingest
			return
		}
		a.search(w, r)
	}
	mux.HandleFunc("GET /api/v1/{index}/{op}", route)
	mux.HandleFunc("POST /api/v1/{index}/{op}", route)
}

func (a searchAPI) search(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	defer a.metrics.ObserveQuery("search", started)
	req, err := readSearchRequest(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	index := r.PathValue("index")
	start, end, err := searchRange(req.StartTimestamp, req.EndTimestamp)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	maxHits := 20
	if req.MaxHits != nil {
		maxHits = *req.MaxHits
	}
	if maxHits < 0 || req.StartOffset < 0 || maxHits+req.StartOffset > engine.MaxSearchLimit {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: fmt.Sprintf("max_hits + start_offset must be between 0 and %d", engine.MaxSearchLimit)})
		return
	}
	cfg, _, err := a.eng.DescribeIndex(index)
	if err != nil {
		writeSearchError(w, err)
		return
	}
	order, err := parseSortBy(req.SortBy, cfg.DocMapping.TimestampField)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	if len(req.SearchField) > 0 {
		n, err := query.ParseWithLimits(req.Query, a.eng.ParseLimits())
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: fmt.Sprintf("query %q: %v", req.Query, err)})
			return
		}
		req.Query = query.Print(withDefaultFields(n, req.SearchField))
	}
	var aggs []*aggSpec
	if len(req.Aggs) > 0 {
		if aggs, err = parseElasticAggs(req.Aggs); err == nil {
			err = validateOrders(aggs)
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: "aggs: " + err.Error()})
			return
		}
		if hasDateHistogram(aggs) && (start.IsZero() || end.IsZero()) {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: "aggs: a date_histogram needs both start_timestamp and end_timestamp"})
			return
		}
	}
	resp := map[string]any{}
	// An aggregation counts every match anyway: its doc count is num_hits,
	// and the search is run only for the hits asked, without counting
	// again (a second pass over the range, half of a dashboard panel's time).
	countAll := req.CountAll == nil || *req.CountAll
	var res engine.SearchResult
	if maxHits > 0 || len(aggs) == 0 {
		res, err = a.eng.Search(r.Context(), engine.SearchRequest{
			Index: index, Query: req.Query, Start: start, End: end,
			Limit: max(maxHits+req.StartOffset, 1), Order: order, CountTotal: countAll && len(aggs) == 0,
		})
		if err != nil {
			writeSearchError(w, err)
			return
		}
	}
	out, err := a.eng.OutputFormats(index)
	if err != nil {
		writeSearchError(w, err)
		return
	}
	hits := []map[string]any{}
	for i := req.StartOffset; i < len(res.Hits) && i < req.StartOffset+maxHits; i++ {
		hits = append(hits, document(&res.Hits[i].Event, cfg.DocMapping.TimestampField, out, ""))
	}
	resp["num_hits"] = res.Total
	resp["hits"] = hits
	if len(aggs) > 0 {
		ares, ranges, err := aggregate(r.Context(), a.eng, engine.AggRequest{Index: index, Query: req.Query, Start: start, End: end}, aggs)
		if err != nil {
			writeSearchError(w, err)
			return
		}
		resp["aggregations"] = elasticAggResult(aggs, ares.Aggs, ranges)
		if countAll {
			resp["num_hits"] = ares.DocCount
		}
		res.Warnings = append(res.Warnings, ares.Warnings...)
	}
	resp["errors"] = answerErrors(a.logger, r, index, res.Warnings)
	resp["elapsed_time_micros"] = time.Since(started).Microseconds()
	writeJSON(w, http.StatusOK, resp)
}

func readSearchRequest(r *http.Request) (searchRequest, error) {
	var req searchRequest
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return req, fmt.Errorf("search body must be JSON like {\"query\":\"severity:error\",\"max_hits\":10}: %w", err)
		}
		return req, nil
	}
	q := r.URL.Query()
	for name := range q {
		if !searchParams[name] {
			return req, fmt.Errorf("unknown parameter %q; Quickwit's search takes query, start_timestamp, end_timestamp, max_hits, start_offset, sort_by, search_field, count_all and format", name)
		}
	}
	req.Query, req.SortBy, req.SearchField, req.Format = q.Get("query"), q.Get("sort_by"), splitList(q.Get("search_field")), q.Get("format")
	if s := q.Get("count_all"); s != "" {
		v, err := strconv.ParseBool(s)
		if err != nil {
			return req, fmt.Errorf("count_all must be true or false, got %q", s)
		}
		req.CountAll = &v
	}
	for name, dst := range map[string]**int64{"start_timestamp": &req.StartTimestamp, "end_timestamp": &req.EndTimestamp} {
		if s := q.Get(name); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return req, fmt.Errorf("%s must be Unix seconds, got %q", name, s)
			}
			*dst = &v
		}
	}
	if s := q.Get("max_hits"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return req, fmt.Errorf("max_hits must be a whole number, got %q", s)
		}
		req.MaxHits = &v
	}
	if s := q.Get("start_offset"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return req, fmt.Errorf("start_offset must be a whole number, got %q", s)
		}
		req.StartOffset = v
	}
	return req, nil
}

// document rebuilds an event as JSON: datetimes and numbers as the
// mapping's output_format asks (RFC 3339 by default) and dotted field
// names as nested objects, the shape it was ingested in. skip names a
// field left out (the _id, which Elasticsearch hits carry beside _source).
func document(ev *engine.Event, timestampField string, out engine.OutputFormats, skip string) map[string]any {
	doc := map[string]any{timestampField: out.Timestamp(ev.Timestamp)}
	for _, f := range ev.Fields {
		if f.Name == skip {
			continue
		}
		parts := strings.Split(f.Name, ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			child, ok := m[p].(map[string]any)
			if !ok {
				child = map[string]any{}
				m[p] = child
			}
			m = child
		}
		m[parts[len(parts)-1]] = out.Value(f.Name, f.Value)
	}
	return doc
}

// parseSortBy reads Quickwit's sort_by as its REST parser does: a
// comma-separated list of up to two fields, where a leading '-' means
// ascending and no sign or '+' descending (Quickwit's own test:
// "-field1,+field2" → [Asc, Desc]). Triage orders hits by the index's
// timestamp field only.
func parseSortBy(s, tsField string) (engine.Order, error) {
	keys := splitList(s)
	if len(keys) == 0 {
		return engine.Desc, nil
	}
	if len(keys) > 2 {
		return 0, fmt.Errorf("sort_by %q: at most two fields", s)
	}
	order := engine.Desc
	for i, k := range keys {
		dir := engine.Desc
		switch k[0] {
		case '-':
			dir, k = engine.Asc, k[1:]
		case '+':
			k = k[1:]
		}
		if k != tsField {
			return 0, fmt.Errorf("sort_by %q: Triage sorts hits by the index's timestamp field %q only", s, tsField)
		}
		if i == 0 {
			order = dir
		}
	}
	return order, nil
}

func writeSearchError(w http.ResponseWriter, err error) {
	var qerr *engine.QueryError
	if errors.As(err, &qerr) {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	writeError(w, err)
}
