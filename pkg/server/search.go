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
	Aggs           map[string]json.RawMessage `json:"aggs"`
}

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
		if r.PathValue("op") != "search" {
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
	order := engine.Desc
	if req.SortBy != "" && !strings.HasPrefix(req.SortBy, "-") {
		order = engine.Asc
	}
	resp := map[string]any{}
	res, err := a.eng.Search(r.Context(), engine.SearchRequest{
		Index: index, Query: req.Query, Start: start, End: end,
		Limit: max(maxHits+req.StartOffset, 1), Order: order, CountTotal: true,
	})
	if err != nil {
		writeSearchError(w, err)
		return
	}
	cfg, _, err := a.eng.DescribeIndex(index)
	if err != nil {
		writeSearchError(w, err)
		return
	}
	hits := []map[string]any{}
	for i := req.StartOffset; i < len(res.Hits) && i < req.StartOffset+maxHits; i++ {
		hits = append(hits, document(&res.Hits[i].Event, cfg.DocMapping.TimestampField))
	}
	resp["num_hits"] = res.Total
	resp["hits"] = hits
	if len(req.Aggs) > 0 {
		aggs, err := parseElasticAggs(req.Aggs)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: "aggs: " + err.Error()})
			return
		}
		ares, err := a.eng.Aggregate(r.Context(), engine.AggRequest{Index: index, Query: req.Query, Start: start, End: end, Aggs: aggs})
		if err != nil {
			writeSearchError(w, err)
			return
		}
		resp["aggregations"] = elasticAggResult(aggs, ares.Aggs)
		res.Warnings = append(res.Warnings, ares.Warnings...)
	}
	resp["errors"] = a.answerErrors(r, index, res.Warnings)
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
	req.Query, req.SortBy = q.Get("query"), q.Get("sort_by")
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

// document rebuilds an event as JSON: the timestamp as RFC 3339 and dotted
// field names as nested objects, the shape it was ingested in.
func document(ev *engine.Event, timestampField string) map[string]any {
	doc := map[string]any{timestampField: time.Unix(0, ev.Timestamp).UTC().Format(time.RFC3339Nano)}
	for _, f := range ev.Fields {
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
		m[parts[len(parts)-1]] = f.Value.JSON()
	}
	return doc
}

func writeSearchError(w http.ResponseWriter, err error) {
	var qerr *engine.QueryError
	if errors.As(err, &qerr) {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	writeError(w, err)
}
