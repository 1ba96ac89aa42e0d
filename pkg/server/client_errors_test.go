package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// fillLogs ingests n generated events over the hour from start into "logs".
func fillLogs(t *testing.T, url string, start time.Time, n int) {
	t.Helper()
	gen := loadgen.New(loadgen.Config{Seed: 5, Start: start, Span: time.Hour, Count: n})
	var body []byte
	for i := 0; i < n; i++ {
		body = append(gen.AppendNext(body), '\n')
	}
	if code, msg := send(t, "POST", url+"/api/v1/logs/ingest?commit=force", "", nil, body); code != 200 {
		t.Fatalf("ingest: %d %s", code, msg)
	}
}

// Requests that can never succeed are the client's to fix: 4xx with a
// message naming what to change, never a 5xx, and never a Retry-After.
func TestSearchClientErrorsAre4xx(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	start := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	fillLogs(t, srv.URL, start, 500)
	s, e := start.Unix(), start.Add(time.Hour).Unix()
	search := func(body string) (int, string, http.Header) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/logs/search", strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}
	tests := []struct {
		name, body string
		want       string
	}{
		{"start after end", fmt.Sprintf(`{"query":"*","start_timestamp":%d,"end_timestamp":%d}`, e, s), "start_timestamp"},
		{"start equals end", fmt.Sprintf(`{"query":"*","start_timestamp":%d,"end_timestamp":%d}`, s, s), "start_timestamp"},
		{"date histogram without a range", `{"query":"*","max_hits":0,"aggs":{"h":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"}}}}`, "needs both start_timestamp and end_timestamp"},
		{"bucket limit", fmt.Sprintf(`{"query":"*","start_timestamp":%d,"end_timestamp":%d,"max_hits":0,"aggs":{"h":{"date_histogram":{"field":"timestamp","fixed_interval":"1ms"}}}}`, s, e), "buckets"},
		{"terms size -1", `{"query":"*","max_hits":0,"aggs":{"t":{"terms":{"field":"service","size":-1}}}}`, "size"},
		{"percentile above 100", `{"query":"*","max_hits":0,"aggs":{"p":{"percentiles":{"field":"latency_ms","percents":[101]}}}}`, "percentile"},
		{"percentile below 0", `{"query":"*","max_hits":0,"aggs":{"p":{"percentiles":{"field":"latency_ms","percents":[-1]}}}}`, "percentile"},
		{"timestamp beyond int64", `{"query":"*","start_timestamp":99999999999999999999}`, "start_timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg, h := search(tt.body)
			if code < 400 || code >= 500 {
				t.Fatalf("status %d (%s), want 4xx", code, msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("answer %q does not mention %q", msg, tt.want)
			}
			if h.Get("Retry-After") != "" {
				t.Errorf("Retry-After %q on an error no retry can fix", h.Get("Retry-After"))
			}
		})
	}
	t.Run("start after end in the query string", func(t *testing.T) {
		code, msg := send(t, "GET", fmt.Sprintf("%s/api/v1/logs/search?query=*&start_timestamp=%d&end_timestamp=%d", srv.URL, e, s), "", nil, nil)
		if code != http.StatusBadRequest {
			t.Fatalf("status %d (%s), want 400", code, msg)
		}
	})
}

// Seconds beyond 2262 do not fit int64 nanoseconds; multiplied they used to
// wrap, so an end in the far future found nothing and a start there found
// everything. They now mean "later than anything stored".
func TestSearchTimestampsPastInt64NanosAreClamped(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	start := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	fillLogs(t, srv.URL, start, 300)
	hits := func(params string) int64 {
		var res struct {
			NumHits int64 `json:"num_hits"`
		}
		code, msg := send(t, "GET", srv.URL+"/api/v1/logs/search?query=*&max_hits=0&"+params, "", nil, nil)
		if code != 200 {
			t.Fatalf("search %s: %d %s", params, code, msg)
		}
		decodeJSON(t, msg, &res)
		return res.NumHits
	}
	tests := []struct {
		params string
		want   int64
	}{
		{"end_timestamp=9999999999", 300},
		{"end_timestamp=9223372036854775807", 300},
		{"start_timestamp=9999999999", 0},
		{"start_timestamp=-9223372036854775808", 300},
		{fmt.Sprintf("start_timestamp=%d&end_timestamp=9999999999", start.Unix()), 300},
	}
	for _, tt := range tests {
		if got := hits(tt.params); got != tt.want {
			t.Errorf("%s: %d hits, want %d", tt.params, got, tt.want)
		}
	}
}

func decodeJSON(t *testing.T, text string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("decode %s: %v", text, err)
	}
}

// Quickwit allows index ids of up to 255 characters; the store's own
// temporary names must not push a long one past the file-name limit.
func TestLongIndexIDs(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	for _, n := range []int{240, 250, 255} {
		id := "a" + strings.Repeat("b", n-1)
		cfg := fmt.Sprintf(`{"index_id":%q,"doc_mapping":{"timestamp_field":"ts","field_mappings":[{"name":"ts","type":"datetime","fast":true}]}}`, id)
		if code, msg := send(t, "POST", srv.URL+"/api/v1/indexes", "", nil, []byte(cfg)); code != 200 {
			t.Fatalf("create a %d-character index: %d %s", n, code, msg)
		}
		if code, msg := send(t, "POST", srv.URL+"/api/v1/"+id+"/ingest?commit=force", "", nil, []byte(`{"ts":"2026-01-15T14:00:00Z"}`+"\n")); code != 200 {
			t.Fatalf("ingest into a %d-character index: %d %s", n, code, msg)
		}
		if code, msg := send(t, "DELETE", srv.URL+"/api/v1/indexes/"+id, "", nil, nil); code != 200 {
			t.Fatalf("delete a %d-character index: %d %s", n, code, msg)
		}
	}
	id := "a" + strings.Repeat("b", 255)
	cfg := fmt.Sprintf(`{"index_id":%q,"doc_mapping":{"timestamp_field":"ts","field_mappings":[{"name":"ts","type":"datetime","fast":true}]}}`, id)
	if code, msg := send(t, "POST", srv.URL+"/api/v1/indexes", "", nil, []byte(cfg)); code != http.StatusBadRequest || !strings.Contains(msg, "255") {
		t.Fatalf("create a 256-character index: %d %s, want 400 naming the limit", code, msg)
	}
	for _, path := range []string{"/api/v1/" + id + "/search", "/api/v1/indexes/" + id} {
		if code, msg := send(t, "GET", srv.URL+path, "", nil, nil); code >= 500 {
			t.Errorf("GET %s: %d %s, want 4xx", path[:30], code, msg)
		}
	}
}
