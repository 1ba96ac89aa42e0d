package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
)

// The fuzz targets drive each HTTP handler through the whole server (auth,
// limits, routing, the real engine) with arbitrary query strings and
// bodies. Whatever arrives, the server must not panic, must answer a
// client's mistake with a 4xx rather than a 5xx, must answer in JSON, and
// must keep its reply within a bound of what was sent.

// fuzzServer is one engine and handler for all of a target's inputs:
// opening a store per input would test nothing but the open.
func fuzzServer(f *testing.F) http.Handler {
	eng, err := engine.Open(f.TempDir(), engine.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { eng.Close() })
	reg := prometheus.NewRegistry()
	h := NewHandler(eng, Options{Metrics: NewMetrics(reg, reg), MaxBodyBytes: 1 << 20, MaxBodyLines: 10_000})
	seed := `{"timestamp":"2026-01-15T14:00:00Z","service":"api","severity":"error","latency_ms":12,"message":"timeout"}` + "\n"
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/logs/ingest?commit=force", strings.NewReader(seed)))
	return h
}

// serveFuzz sends one request and checks the answer's contract.
func serveFuzz(t *testing.T, h http.Handler, method, path, rawQuery string, header http.Header, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	target := path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	req, err := http.NewRequest(method, "http://triage"+target, bytes.NewReader(body))
	if err != nil {
		return nil // not a request a client could send
	}
	req.RemoteAddr = "127.0.0.1:1234"
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code >= 500 {
		t.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body.Bytes())
	}
	if w.Code >= 300 && w.Code < 400 { // net/http's cleaning of paths like /a/./b
		if w.Header().Get("Location") == "" {
			t.Fatalf("%s %s: %d without a Location", method, target, w.Code)
		}
		return w
	}
	if w.Code != http.StatusNoContent {
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/plain") {
			t.Fatalf("%s %s: %d with Content-Type %q", method, target, w.Code, ct)
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: %d with invalid JSON %q", method, target, w.Code, w.Body.Bytes())
		}
	}
	if ra := w.Header().Get("Retry-After"); ra != "" && w.Code != http.StatusTooManyRequests {
		t.Fatalf("%s %s: %d with Retry-After %q, which no retry can fix", method, target, w.Code, ra)
	}
	return w
}

func FuzzQuickwitIngest(f *testing.F) {
	h := fuzzServer(f)
	f.Add("commit=force&detailed_response=true", []byte(`{"timestamp":"2026-01-15T14:00:01Z","message":"ok"}`+"\n{bad\n[1]\n\n1\n{}\n"), "")
	f.Add("commit=wait_for", []byte(`{"timestamp":9999999999999,"latency_ms":"x"}`), "gzip")
	f.Add("detailed_response=maybe", []byte("{}"), "zstd")
	f.Fuzz(func(t *testing.T, rawQuery string, body []byte, encoding string) {
		w := serveFuzz(t, h, "POST", "/api/v1/logs/ingest", rawQuery, http.Header{"Content-Encoding": {encoding}}, body)
		if w == nil || w.Code != 200 {
			return
		}
		var res struct {
			Docs, Ingested, Rejected, NotListed int
			Failures                            []json.RawMessage `json:"parse_failures"`
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(w.Body.Bytes(), &raw)
		_ = json.Unmarshal(raw["num_docs_for_processing"], &res.Docs)
		_ = json.Unmarshal(raw["num_ingested_docs"], &res.Ingested)
		_ = json.Unmarshal(raw["num_rejected_docs"], &res.Rejected)
		_ = json.Unmarshal(raw["parse_failures_not_listed"], &res.NotListed)
		_ = json.Unmarshal(raw["parse_failures"], &res.Failures)
		if res.Ingested+res.Rejected != res.Docs {
			t.Fatalf("%d ingested + %d rejected != %d documents: %s", res.Ingested, res.Rejected, res.Docs, w.Body.Bytes())
		}
		if res.Failures != nil && len(res.Failures)+res.NotListed != res.Rejected {
			t.Fatalf("%d listed + %d not listed != %d rejected", len(res.Failures), res.NotListed, res.Rejected)
		}
		if w.Body.Len() > 2<<20 {
			t.Fatalf("a %d-byte body got a %d-byte reply", len(body), w.Body.Len())
		}
	})
}

func FuzzElasticBulk(f *testing.F) {
	h := fuzzServer(f)
	f.Add("/api/v1/_elastic/_bulk", "refresh=true", []byte(`{"create":{"_index":"logs"}}`+"\n"+`{"timestamp":"2026-01-15T14:00:01Z","message":"ok"}`+"\n"))
	f.Add("/api/v1/_elastic/logs/_bulk", "refresh=wait_for", []byte("{\"delete\":{}}\n{\"update\":{}}\n{}\n{\"index\":{\"_id\":3}}\n1\n"))
	f.Add("/api/v1/_elastic/nosuch/_bulk", "", []byte("{\"index\":{}}\n{}\n"))
	f.Fuzz(func(t *testing.T, path, rawQuery string, body []byte) {
		if !strings.HasPrefix(path, "/api/v1/_elastic/") {
			path = "/api/v1/_elastic/" + path
		}
		w := serveFuzz(t, h, "POST", path, rawQuery, http.Header{"Content-Type": {"application/x-ndjson"}}, body)
		if w == nil || w.Code != 200 || !strings.HasSuffix(path, "_bulk") {
			return
		}
		var res struct {
			Items []map[string]struct {
				Status int `json:"status"`
			} `json:"items"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatalf("bulk answer %q: %v", w.Body.Bytes(), err)
		}
		for i, it := range res.Items {
			for _, r := range it {
				if r.Status == 0 || r.Status >= 500 {
					t.Fatalf("item %d answered %d", i, r.Status)
				}
			}
		}
	})
}

func FuzzLokiPush(f *testing.F) {
	h := fuzzServer(f)
	f.Add("application/json", []byte(`{"streams":[{"stream":{"app":"a"},"values":[["1768485600000000000","x"],["99999999999999999999","y"]]}]}`))
	f.Add("application/x-protobuf", []byte("\x0a\x05hello"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		serveFuzz(t, h, "POST", "/loki/api/v1/push", "", http.Header{"Content-Type": {contentType}}, body)
	})
}

func FuzzSearch(f *testing.F) {
	h := fuzzServer(f)
	f.Add("query=severity:error&max_hits=5&start_timestamp=1768485600&end_timestamp=9999999999&sort_by=-timestamp", []byte(nil))
	f.Add("query=latency_ms:[10 TO *]&start_timestamp=-9223372036854775808&start_offset=3", []byte(nil))
	f.Add("", []byte(`{"query":"*","max_hits":0,"start_timestamp":1768485600,"end_timestamp":1768489200,"aggs":{"h":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"},"aggs":{"p":{"percentiles":{"field":"latency_ms","percents":[50,99]}}}},"t":{"terms":{"field":"service","size":-1}}}}`))
	f.Add("", []byte(`{"query":"service:(api OR web) NOT severity:info","aggs":{"c":{"cardinality":{"field":"service"}},"s":{"stats":{"field":"latency_ms"}}}}`))
	f.Fuzz(func(t *testing.T, rawQuery string, body []byte) {
		method := "GET"
		if body != nil {
			method = "POST"
		}
		serveFuzz(t, h, method, "/api/v1/logs/search", rawQuery, nil, body)
	})
}

func FuzzIndexes(f *testing.F) {
	h := fuzzServer(f)
	f.Add("POST", "", []byte(`{"index_id":"audit","doc_mapping":{"mode":"strict","timestamp_field":"ts","field_mappings":[{"name":"ts","type":"datetime","fast":true}]},"retention":{"period":"7 days"}}`))
	f.Add("PUT", "logs", []byte(`{"retention":{"period":"1 hour"}}`))
	f.Add("GET", "logs", []byte(nil))
	f.Add("DELETE", "nosuch", []byte(nil))
	f.Fuzz(func(t *testing.T, method, id string, body []byte) {
		if id == "logs" && method == "DELETE" {
			return // the other targets search it
		}
		path := "/api/v1/indexes"
		if id != "" {
			path += "/" + id
		}
		serveFuzz(t, h, method, path, "", nil, body)
	})
}
