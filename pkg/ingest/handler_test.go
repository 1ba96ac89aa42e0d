package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/triage-logs/triage/pkg/engine"
)

// request is one HTTP call a client makes and what it must get back.
type request struct {
	method, path string
	headers      map[string]string
	body         []byte
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, srv *httptest.Server, req request) response {
	t.Helper()
	r, err := http.NewRequest(req.method, srv.URL+req.path, bytes.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.headers {
		r.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(t testing.TB, b []byte) []byte {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

// vectorEvents is what Vector's http sink sends with
// encoding.codec = "json" and framing.method = "newline_delimited".
const vectorEvents = `{"host":"web-1","message":"GET /api/v1/payments 200","service":"payment-service","severity":"info","timestamp":"2026-01-15T14:31:44.123456Z"}
{"host":"web-2","message":"upstream timeout","service":"payment-service","severity":"error","timestamp":"2026-01-15T14:31:44.223456Z"}
{"host":"web-1","message":"login ok","service":"auth-service","severity":"info","timestamp":"2026-01-15T14:31:45Z"}
`

func TestQuickwitIngest(t *testing.T) {
	tests := []struct {
		name       string
		opts       HandlerOptions
		storeErr   error
		req        request
		wantStatus int
		wantBody   string // substring of the response body
		wantHeader map[string]string
		wantDocs   int
		wantCommit engine.CommitMode
	}{
		{
			name: "vector http sink, gzip, bearer token",
			opts: HandlerOptions{Token: "s3cret"},
			req: request{"POST", "/api/v1/logs/ingest", map[string]string{
				"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip", "Authorization": "Bearer s3cret"},
				gzipped(t, []byte(vectorEvents))},
			wantStatus: 200, wantBody: `{"num_docs_for_processing":3,"num_ingested_docs":3,"num_rejected_docs":0}`, wantDocs: 3,
		},
		{
			name:       "zstd body, commit=force",
			req:        request{"POST", "/api/v1/logs/ingest?commit=force", map[string]string{"Content-Encoding": "zstd"}, zstded(t, []byte(vectorEvents))},
			wantStatus: 200, wantBody: `"num_ingested_docs":3`, wantDocs: 3, wantCommit: engine.CommitForce,
		},
		{
			name:       "commit=wait_for",
			req:        request{"POST", "/api/v1/logs/ingest?commit=wait_for", nil, []byte(vectorEvents)},
			wantStatus: 200, wantDocs: 3, wantCommit: engine.CommitWaitFor,
		},
		{
			name: "malformed lines are reported, the rest kept",
			req: request{"POST", "/api/v1/logs/ingest?detailed_response=true", nil, []byte(
				"{\"a\":1}\n\n{\"a\":\n[1,2]\n{\"severity\":\"reject-me\"}\n{\"a\":2}\n")},
			wantStatus: 200,
			wantBody: `{"num_docs_for_processing":5,"num_ingested_docs":2,"num_rejected_docs":3,"parse_failures":[` +
				`{"document":"{\"a\":","position":1,"line":3,"reason":"invalid_json","message":"line 3: invalid JSON: unexpected end of JSON input; send one JSON object per line"},` +
				`{"document":"[1,2]","position":2,"line":4,"reason":"not_an_object","message":"line 4: document is a JSON array, not an object; wrap the fields in {...}"},` +
				`{"document":"{\"severity\":\"reject-me\"}","position":3,"line":5,"reason":"invalid_schema","message":"line 5: field severity: expected text, got a number"}]}`,
			wantDocs: 2,
		},
		{
			name:       "detailed response without failures lists none",
			req:        request{"POST", "/api/v1/logs/ingest?detailed_response=true", nil, []byte(`{"a":1}`)},
			wantStatus: 200, wantBody: `"parse_failures":[]`, wantDocs: 1,
		},
		{
			name:       "bad commit mode",
			req:        request{"POST", "/api/v1/logs/ingest?commit=now", nil, []byte(vectorEvents)},
			wantStatus: 400, wantBody: `commit=\"now\" is not a commit mode; use auto, wait_for or force`,
		},
		{
			name:       "unknown index",
			req:        request{"POST", "/api/v1/nope/ingest", nil, []byte(vectorEvents)},
			wantStatus: 404, wantBody: `{"message":"index ` + "`nope`" + ` not found; create it first or check the index id in the URL"}`,
		},
		{
			name:       "oversized body",
			opts:       HandlerOptions{MaxBodyBytes: 100},
			req:        request{"POST", "/api/v1/logs/ingest", nil, []byte(vectorEvents)},
			wantStatus: 413, wantBody: `request body is larger than the 100-byte limit (100 bytes); send smaller batches`,
		},
		{
			name:       "default limit is 10 MiB",
			req:        request{"POST", "/api/v1/logs/ingest", nil, bytes.Repeat([]byte(`{"a":1}`+"\n"), (10<<20)/8+1)},
			wantStatus: 413, wantBody: `10485760-byte limit (10 MiB)`,
		},
		{
			name:       "bad gzip",
			req:        request{"POST", "/api/v1/logs/ingest", map[string]string{"Content-Encoding": "gzip"}, []byte(vectorEvents)},
			wantStatus: 400, wantBody: `request body is not valid gzip (Content-Encoding: gzip): gzip: invalid header`,
		},
		{
			name:       "gzip bomb",
			opts:       HandlerOptions{MaxBodyBytes: 1 << 20},
			req:        request{"POST", "/api/v1/logs/ingest", map[string]string{"Content-Encoding": "gzip"}, gzipped(t, make([]byte, 64<<20))},
			wantStatus: 413, wantBody: `decompressed request body is larger than the 1048576-byte limit (1 MiB)`,
		},
		{
			name:       "zstd bomb",
			opts:       HandlerOptions{MaxBodyBytes: 1 << 20},
			req:        request{"POST", "/api/v1/logs/ingest", map[string]string{"Content-Encoding": "zstd"}, zstded(t, make([]byte, 64<<20))},
			wantStatus: 413, wantBody: `limit (1 MiB)`,
		},
		{
			name:       "unsupported encoding",
			req:        request{"POST", "/api/v1/logs/ingest", map[string]string{"Content-Encoding": "br"}, []byte(vectorEvents)},
			wantStatus: 415, wantBody: `Content-Encoding \"br\" is not supported; use gzip, zstd or none`,
		},
		{
			name:       "missing token",
			opts:       HandlerOptions{Token: "s3cret"},
			req:        request{"POST", "/api/v1/logs/ingest", nil, []byte(vectorEvents)},
			wantStatus: 401, wantBody: `missing credentials`, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="triage"`},
		},
		{
			name:       "wrong token",
			opts:       HandlerOptions{Token: "s3cret"},
			req:        request{"POST", "/api/v1/logs/ingest", map[string]string{"Authorization": "Bearer guess"}, []byte(vectorEvents)},
			wantStatus: 401, wantBody: `wrong ingest token`, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="triage"`},
		},
		{
			name: "token as basic auth password",
			opts: HandlerOptions{Token: "s3cret"},
			req: request{"POST", "/api/v1/logs/ingest", map[string]string{
				"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("vector:s3cret"))}, []byte(vectorEvents)},
			wantStatus: 200, wantDocs: 3,
		},
		{
			name:       "overload is 429 with Retry-After",
			opts:       HandlerOptions{RetryAfterSeconds: 7},
			storeErr:   engine.ErrOverloaded,
			req:        request{"POST", "/api/v1/logs/ingest", nil, []byte(vectorEvents)},
			wantStatus: 429, wantBody: `ingest buffer is full, retry later`, wantHeader: map[string]string{"Retry-After": "7"},
		},
		{
			name:       "disk failure is 503 with the reason",
			storeErr:   fmt.Errorf("append wal segment 7: %w", errors.New("no space left on device")),
			req:        request{"POST", "/api/v1/logs/ingest", nil, []byte(vectorEvents)},
			wantStatus: 503, wantBody: `no space left on device`, wantHeader: map[string]string{"Retry-After": "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore("logs")
			store.err = tt.storeErr
			srv := httptest.NewServer(NewHandler(store, tt.opts))
			defer srv.Close()
			resp := do(t, srv, tt.req)
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if !json.Valid(resp.body) {
				t.Errorf("response is not JSON: %s", resp.body)
			}
			if !strings.Contains(string(resp.body), tt.wantBody) {
				t.Errorf("body %s\nlacks %s", resp.body, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := resp.header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if got := len(store.docs("logs")); got != tt.wantDocs {
				t.Errorf("store holds %d docs, want %d", got, tt.wantDocs)
			}
			if tt.wantDocs > 0 && store.calls[0].opts.Commit != tt.wantCommit {
				t.Errorf("commit mode %v, want %v", store.calls[0].opts.Commit, tt.wantCommit)
			}
		})
	}
}
