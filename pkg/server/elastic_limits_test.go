package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// The _elastic read API holds to the query limits the native search API
// holds to, and answers them as Elasticsearch answers a bad request: 400
// naming the limit, for _search, _count and each search of an _msearch.
func TestElasticQueryLimitsAre400(t *testing.T) {
	base, eng, _ := queryServer(t, t.TempDir(), engine.QueryLimits{Timeout: 200 * time.Millisecond, MaxMemoryBytes: 1 << 20}, nil)
	traces := fillSplits(t, eng, 20_000, 8192, 20)
	values := make([]string, 20_000)
	for i := range values {
		values[i] = fmt.Sprintf("id%d", i)
	}
	queryString := func(text, op string) string {
		return mustJSON(map[string]any{"query": map[string]any{"query_string": map[string]any{"query": text, "default_operator": op}}})
	}
	terms := make([]string, query.DefaultMaxClauses+1)
	for i := range terms {
		terms[i] = fmt.Sprintf("%q", values[i])
	}
	tests := []struct {
		name, path, body, want string
	}{
		{"query_string of 1025 set values", "_search", queryString(setQuery(values[:query.DefaultMaxClauses+1]), "OR"), "more than 1024 clauses"},
		{"query_string past the size limit", "_search", queryString(setQuery(values), "AND"), "bytes long, more than the limit"},
		{"a terms query of 1025 values", "_search", `{"query":{"terms":{"trace_id":[` + strings.Join(terms, ",") + `]}}}`, "more than 1024 clauses"},
		{"q in the URL past the clause limit", "_search?q=" + url.QueryEscape(setQuery(values[:query.DefaultMaxClauses+1])), "", "more than 1024 clauses"},
		{"_count past the clause limit", "_count", queryString(setQuery(values[:query.DefaultMaxClauses+1]), "OR"), "more than 1024 clauses"},
		{"a slow query past its deadline", "_search", `{"size":0,"track_total_hits":true,` + strings.TrimPrefix(queryString(setQuery(traces[:1000]), "OR"), "{"),
			"time limit of 200ms"},
		{"distinct terms past the memory budget", "_search", `{"size":0,"aggs":{"t":{"terms":{"field":"trace_id","size":10}}}}`, "memory limit of 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := send(t, "POST", base+"/api/v1/_elastic/logs/"+tt.path, "", nil, []byte(tt.body))
			if code != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
				t.Fatalf("%d %.300s, want 400 saying %q", code, msg, tt.want)
			}
		})
	}
	t.Run("a search of an _msearch past the clause limit", func(t *testing.T) {
		body := "{}\n" + queryString(setQuery(values[:query.DefaultMaxClauses+1]), "OR") + "\n{}\n{\"size\":0}\n"
		code, msg := send(t, "POST", base+"/api/v1/_elastic/logs/_msearch", "", nil, []byte(body))
		var res struct {
			Responses []struct {
				Status int `json:"status"`
			} `json:"responses"`
		}
		decodeJSON(t, msg, &res)
		if code != 200 || len(res.Responses) != 2 || res.Responses[0].Status != 400 || res.Responses[1].Status != 200 ||
			!strings.Contains(msg, "more than 1024 clauses") {
			t.Fatalf("%d %.400s, want the first search 400 naming the limit and the second 200", code, msg)
		}
	})
}

// The limits a server is given are the ones every API applies, including
// where the server parses a query before the engine does (query_string,
// Quickwit's search_field): raised limits accept what the defaults refuse.
func TestRaisedQueryLimitsApplyToEveryAPI(t *testing.T) {
	base, eng, _ := queryServer(t, t.TempDir(), engine.QueryLimits{MaxQueryBytes: 1 << 20, MaxClauses: 5000}, nil)
	fillSplits(t, eng, 2000, 2000, 1000)
	values := make([]string, 2000)
	for i := range values {
		values[i] = fmt.Sprintf("id%d", i)
	}
	text := setQuery(values)
	for name, req := range map[string][2]string{
		"_elastic query_string":    {"/api/v1/_elastic/logs/_search", mustJSON(map[string]any{"size": 0, "query": map[string]any{"query_string": map[string]any{"query": text}}})},
		"search with search_field": {"/api/v1/logs/search", mustJSON(map[string]any{"query": text, "max_hits": 0, "search_field": "message"})},
	} {
		if code, msg := send(t, "POST", base+req[0], "", nil, []byte(req[1])); code != 200 {
			t.Errorf("%s: 2000 set values under a 5000-clause limit: %d %.300s", name, code, msg)
		}
	}
}

// Epoch values in the DSL beyond what int64 nanoseconds hold (2262) mean
// "later (earlier) than anything stored", as start_timestamp does in the
// search API; they were a 400 in range queries and wrapped in search_after.
func TestElasticTimestampsPastInt64NanosAreClamped(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	fillLogs(t, srv.URL, time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC), 300)
	hits := func(body string) int {
		t.Helper()
		code, msg := send(t, "POST", srv.URL+"/api/v1/_elastic/logs/_search", "", nil, []byte(body))
		var res struct {
			Hits struct {
				Total struct{ Value int } `json:"total"`
				Hits  []any               `json:"hits"`
			} `json:"hits"`
		}
		if code != 200 {
			t.Fatalf("%s: %d %s", body, code, msg)
		}
		decodeJSON(t, msg, &res)
		if strings.Contains(body, "search_after") {
			return len(res.Hits.Hits) // the total ignores search_after
		}
		return res.Hits.Total.Value
	}
	rangeQuery := func(bounds string) string {
		return `{"size":0,"track_total_hits":true,"query":{"range":{"timestamp":` + bounds + `}}}`
	}
	page := func(order, after string) string {
		return `{"size":500,"sort":[{"timestamp":"` + order + `"}],"search_after":[` + after + `]}`
	}
	tests := []struct {
		name, body string
		want       int
	}{
		{"lte 1e20 ms", rangeQuery(`{"lte":100000000000000000000,"format":"epoch_millis"}`), 300},
		{"gte 1e20 ms", rangeQuery(`{"gte":100000000000000000000,"format":"epoch_millis"}`), 0},
		{"gte -1e20 ms", rangeQuery(`{"gte":-100000000000000000000,"format":"epoch_millis"}`), 300},
		{"lt 1e12 s", rangeQuery(`{"lt":1000000000000,"format":"epoch_second"}`), 300},
		{"search_after year 9999, ascending", page("asc", `"9999-12-31T00:00:00Z"`), 0},
		{"search_after year 9999, descending", page("desc", `"9999-12-31T00:00:00Z"`), 300},
		{"search_after 1e15 ms, ascending", page("asc", `1000000000000000`), 0},
		{"search_after 1e15 ms, descending", page("desc", `1000000000000000`), 300},
	}
	for _, tt := range tests {
		if got := hits(tt.body); got != tt.want {
			t.Errorf("%s: %d hits, want %d", tt.name, got, tt.want)
		}
	}
}

// A damaged split left out of an _elastic answer is reported as the
// search API reports it (log, /metrics) besides the failed shard in
// _shards; allow_partial_search_results=false turns it into Elasticsearch's
// 503 for missing shards, in the URL or an _msearch header.
func TestElasticPartialAnswersAreReported(t *testing.T) {
	base, m, log := damagedServer(t)
	// The aggregation reads the damaged split's columns.
	body := `{"size":10,"aggs":{"s":{"terms":{"field":"service"}}}}`
	code, msg := send(t, "POST", base+"/api/v1/_elastic/logs/_search", "", nil, []byte(body))
	var res struct {
		Shards struct {
			Failed int `json:"failed"`
		} `json:"_shards"`
	}
	decodeJSON(t, msg, &res)
	if code != 200 || res.Shards.Failed == 0 || !strings.Contains(msg, "damaged") {
		t.Fatalf("search over a damaged split: %d %.400s, want 200 with the split as a failed shard", code, msg)
	}
	if n := testutil.ToFloat64(m.PartialAnswers.WithLabelValues("logs")); n != 1 {
		t.Errorf("/metrics counts %v partial answers, want 1", n)
	}
	if !strings.Contains(log.String(), "search answered with errors") || !strings.Contains(log.String(), "damaged") {
		t.Errorf("the log does not report the partial answer:\n%s", log.String())
	}

	code, msg = send(t, "POST", base+"/api/v1/_elastic/logs/_search?allow_partial_search_results=false", "", nil, []byte(body))
	if code != http.StatusServiceUnavailable || !strings.Contains(msg, "search_phase_execution_exception") || !strings.Contains(msg, "damaged") {
		t.Errorf("allow_partial_search_results=false: %d %.400s, want 503 search_phase_execution_exception naming the damage", code, msg)
	}
	msearch := `{"allow_partial_search_results":false}` + "\n" + body + "\n{}\n" + body + "\n"
	code, msg = send(t, "POST", base+"/api/v1/_elastic/logs/_msearch", "", nil, []byte(msearch))
	var multi struct {
		Responses []struct {
			Status int `json:"status"`
		} `json:"responses"`
	}
	decodeJSON(t, msg, &multi)
	if code != 200 || len(multi.Responses) != 2 || multi.Responses[0].Status != 503 || multi.Responses[1].Status != 200 {
		t.Errorf("_msearch with allow_partial_search_results:false in one header: %d %.400s, want that search 503 and the other 200", code, msg)
	}
}
