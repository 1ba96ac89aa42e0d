package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzHandler serves the fuzz server (see fuzzServer) with a store of 40
// events of two severities for the read API to search and aggregate.
func fuzzHandler(f *testing.F) http.Handler {
	h := fuzzServer(f)
	var body strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&body, `{"timestamp":%q,"severity":%q,"latency_ms":%d,"message":"request %d"}`+"\n",
			fixtureStart.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), []string{"info", "error"}[i%2], i*13, i)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/logs/ingest?commit=force", strings.NewReader(body.String())))
	if rec.Code != 200 {
		f.Fatalf("fixture ingest: %d %s", rec.Code, rec.Body)
	}
	return h
}

// checkElasticAnswer holds for every answer of the read API: JSON, the
// product header, no 5xx for what the client sent, an error object on
// errors.
func checkElasticAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Header().Get("X-Elastic-Product") != "Elasticsearch" {
		t.Fatalf("status %d without X-Elastic-Product", rec.Code)
	}
	if rec.Code >= 500 {
		t.Fatalf("status %d for a client's request: %s", rec.Code, rec.Body)
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d: answer is not a JSON object: %v", rec.Code, err)
	}
	if rec.Code != 200 && len(resp["error"]) == 0 {
		t.Fatalf("status %d without an error object: %s", rec.Code, rec.Body)
	}
}

func FuzzElasticSearch(f *testing.F) {
	h := fuzzHandler(f)
	for _, file := range []string{"grafana_logs", "grafana_query_default_or", "grafana_histogram_range_stats", "error_unknown_key"} {
		_, path, body := readFuzzSeed(f, file)
		if i := strings.Index(path, "_msearch"); i < 0 {
			u, _ := url.Parse(path)
			f.Add("logs", u.RawQuery, body)
		}
	}
	f.Add("logs*", "size=3&track_total_hits=true&q=severity:error", []byte(`{"sort":["timestamp:asc"],"search_after":[1768485600000]}`))
	f.Add("logs", "", []byte(`{"aggs":{"t":{"terms":{"field":"severity","order":{"m.max":"asc"}},"aggs":{"m":{"stats":{"field":"latency_ms"}}}}}}`))
	f.Fuzz(func(t *testing.T, index, rawQuery string, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.URL = &url.URL{Path: "/api/v1/_elastic/" + url.PathEscape(index) + "/_search", RawQuery: rawQuery}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusNotFound && rec.Header().Get("X-Elastic-Product") == "" {
			return // the path did not reach the API (an index with '/')
		}
		if rec.Code == http.StatusTemporaryRedirect && rec.Header().Get("Location") != "" {
			return // the router cleans "." and ".." out of paths; clients follow it
		}
		checkElasticAnswer(t, rec)
	})
}

func FuzzElasticMsearch(f *testing.F) {
	h := fuzzHandler(f)
	for _, file := range []string{"grafana_metrics_avg_per_10m", "grafana_terms_percentiles", "quickwit_ds_metrics", "error_msearch_mixed"} {
		_, path, body := readFuzzSeed(f, file)
		u, _ := url.Parse(path)
		f.Add(u.RawQuery, body)
	}
	f.Fuzz(func(t *testing.T, rawQuery string, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.URL = &url.URL{Path: "/api/v1/_elastic/_msearch", RawQuery: rawQuery}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkElasticAnswer(t, rec)
	})
}

func readFuzzSeed(f *testing.F, name string) (string, string, []byte) {
	return readHTTPFileF(f, "testdata/elastic/"+name+".http")
}
