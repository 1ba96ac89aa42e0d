package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// newTestServer serves a real engine over HTTP on 127.0.0.1.
func newTestServer(t *testing.T, opts engine.Options, token string) (*httptest.Server, *engine.Engine, *Metrics) {
	t.Helper()
	eng, err := engine.Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, reg)
	srv := httptest.NewServer(NewHandler(eng, Options{Token: token, Metrics: m}))
	t.Cleanup(srv.Close)
	return srv, eng, m
}

func events(t *testing.T, eng *engine.Engine, index string) int64 {
	t.Helper()
	_, st, err := eng.DescribeIndex(index)
	if err != nil {
		t.Fatal(err)
	}
	return st.Events
}

func send(t *testing.T, method, url, token string, headers map[string]string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Bad input against the real engine: each answered with its status and a
// message naming the problem, and nothing accepted before is lost.
func TestBadInputIsRefusedClearlyAndLosesNothing(t *testing.T) {
	srv, eng, _ := newTestServer(t, engine.Options{}, "tok")
	strict := `{"index_id":"strict","doc_mapping":{"mode":"strict","timestamp_field":"ts",
		"field_mappings":[{"name":"ts","type":"datetime"},{"name":"code","type":"i64"}]}}`
	if code, msg := send(t, "POST", srv.URL+"/api/v1/indexes", "tok", nil, []byte(strict)); code != 200 {
		t.Fatalf("create strict index: %d %s", code, msg)
	}
	good := []byte(`{"timestamp":"2026-01-15T14:00:00Z","message":"accepted first"}` + "\n")
	if code, msg := send(t, "POST", srv.URL+"/api/v1/logs/ingest?commit=force", "tok", nil, good); code != 200 {
		t.Fatalf("good ingest: %d %s", code, msg)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(good)
	zw.Close()
	tests := []struct {
		name    string
		path    string
		token   string
		headers map[string]string
		body    []byte
		status  int
		want    []string
	}{
		{"malformed line kept apart", "/api/v1/logs/ingest?detailed_response=true", "tok", nil,
			[]byte("{\"timestamp\":\"2026-01-15T14:00:01Z\",\"message\":\"ok\"}\n{not json\n"), 200, []string{`"num_rejected_docs":1`, `"num_ingested_docs":1`, "line"}},
		{"wrong type in strict mode", "/api/v1/strict/ingest?detailed_response=true", "tok", nil,
			[]byte(`{"ts":"2026-01-15T14:00:00Z","code":"abc"}` + "\n"), 200, []string{`"num_rejected_docs":1`, "code", "expected"}},
		{"unknown field in strict mode", "/api/v1/strict/ingest?detailed_response=true", "tok", nil,
			[]byte(`{"ts":"2026-01-15T14:00:00Z","other":1}` + "\n"), 200, []string{`"num_rejected_docs":1`, "other", "strict"}},
		{"missing timestamp", "/api/v1/logs/ingest?detailed_response=true", "tok", nil,
			[]byte(`{"message":"no time"}` + "\n"), 200, []string{`"num_rejected_docs":1`, "timestamp"}},
		{"oversized body", "/api/v1/logs/ingest", "tok", nil, bytes.Repeat([]byte("x"), 11<<20), 413, []string{"10"}},
		{"bad gzip", "/api/v1/logs/ingest", "tok", map[string]string{"Content-Encoding": "gzip"}, []byte("not gzip at all"), 400, []string{"gzip"}},
		{"good gzip", "/api/v1/logs/ingest", "tok", map[string]string{"Content-Encoding": "gzip"}, gz.Bytes(), 200, []string{`"num_ingested_docs":1`}},
		{"unknown index", "/api/v1/nosuch/ingest", "tok", nil, good, 404, []string{"nosuch"}},
		{"wrong token", "/api/v1/logs/ingest", "nope", nil, good, 401, []string{"wrong ingest token"}},
		{"missing token", "/api/v1/logs/ingest", "", nil, good, 401, []string{"missing credentials"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := send(t, "POST", srv.URL+tt.path, tt.token, tt.headers, tt.body)
			if code != tt.status {
				t.Fatalf("status %d (%s), want %d", code, msg, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("answer %q does not mention %q", msg, w)
				}
			}
		})
	}
	// The first event, one good line of the malformed request and the gzip one.
	if n := events(t, eng, "logs"); n != 3 {
		t.Fatalf("logs holds %d events, want 3: a refused request must not lose or add anything", n)
	}
}

// A client faster than the engine gets 429s; retrying as Vector does, it
// ends with every event stored exactly once.
func TestOverloadAnswers429AndRetriesLoseNothing(t *testing.T) {
	// Refused at once when full (no waiting for a flush), so a single
	// stream meets 429s.
	srv, eng, m := newTestServer(t, engine.Options{MaxBufferBytes: 2 << 20, FlushBytes: 1 << 20, AdmissionWait: -1}, "")
	const total = 40000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := loadgen.Stream(ctx, loadgen.New(loadgen.Config{Seed: 11, Count: total}), loadgen.StreamConfig{
		URL: srv.URL + "/api/v1/logs/ingest", Rate: 1e6, Batch: 2000, Count: total, Out: io.Discard,
		Backoff: loadgen.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	overloaded := testutil.ToFloat64(m.IngestOverloaded.WithLabelValues("logs"))
	if overloaded == 0 {
		t.Fatal("the engine never answered 429; the test did not exercise overload")
	}
	if n := events(t, eng, "logs"); n != total {
		t.Fatalf("store holds %d events after %v 429s, want exactly %d", n, overloaded, total)
	}
	t.Logf("%v requests answered 429 and retried", overloaded)
}
