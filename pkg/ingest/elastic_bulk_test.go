package ingest

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// bulkItems decodes a bulk answer into "action status result/error-type"
// lines, one per item, for compact comparisons.
func bulkItems(t *testing.T, body []byte) []string {
	t.Helper()
	var got vectorBulkResponse
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("bulk answer %s: %v", body, err)
	}
	var out []string
	for _, it := range got.Items {
		for action, r := range it {
			s := action + " " + r.Index + " " + r.ID + " " + itoa(r.Status)
			if r.Result != "" {
				s += " " + r.Result
			}
			if r.Error != nil {
				s += " " + r.Error.Type
			}
			out = append(out, s)
		}
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func bulkLines(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// Elasticsearch answers a create of an existing _id with a per-item 409
// and stores nothing; an index of an existing _id is acknowledged (200,
// "noop": Triage keeps the first version) and not stored again. A client's
// resend of a whole request therefore stores nothing twice.
func TestElasticBulkHonoursDocumentIDs(t *testing.T) {
	store := newMemStore("logs")
	srv := httptest.NewServer(NewHandler(store, HandlerOptions{}))
	defer srv.Close()
	first := bulkLines(
		`{"create":{"_index":"logs","_id":"dup-1"}}`, `{"message":"a"}`,
		`{"index":{"_index":"logs","_id":"idx-1"}}`, `{"message":"b"}`,
		`{"index":{"_index":"logs"}}`, `{"message":"no id"}`)
	resp := do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, first})
	want := []string{"create logs dup-1 201 created", "index logs idx-1 201 created", "index logs  201 created"}
	if got := bulkItems(t, resp.body); resp.status != 200 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("first send: %d %v, want 200 %v", resp.status, got, want)
	}
	resp = do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, bulkLines(
		`{"create":{"_index":"logs","_id":"dup-1"}}`, `{"message":"a again"}`,
		`{"index":{"_index":"logs","_id":"idx-1"}}`, `{"message":"b again"}`)})
	want = []string{"create logs dup-1 409 version_conflict_engine_exception", "index logs idx-1 200 noop"}
	if got := bulkItems(t, resp.body); resp.status != 200 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("resend: %d %v, want 200 %v", resp.status, got, want)
	}
	if !strings.Contains(string(resp.body), `"errors":true`) || !strings.Contains(string(resp.body), "[dup-1]: version conflict, document already exists") {
		t.Errorf("409 answer lacks errors:true or Elasticsearch's reason: %s", resp.body)
	}
	if n := len(store.docs("logs")); n != 3 {
		t.Errorf("index holds %d documents, want 3 (ids stored once; the id-less one once)", n)
	}
	for _, c := range store.calls {
		if c.opts.IDs == nil || (c.opts.IDMode != engine.IDCreate && c.opts.IDMode != engine.IDIndex) {
			t.Errorf("store call %+v: ids not passed", c)
		}
	}
}

// Issue 15, defect 1: a multi-index bulk whose second index is full used to
// store the first index's documents and answer 429 for the whole request,
// so the client's retry stored them again. Now the answer is 200 with 429
// on the refused items only; resending just those stores each document once.
func TestElasticBulkMultiIndexOverloadNeverDuplicates(t *testing.T) {
	store := newMemStore("logs", "audit")
	store.failIndex["audit"] = engine.ErrOverloaded
	srv := httptest.NewServer(NewHandler(store, HandlerOptions{}))
	defer srv.Close()
	body := bulkLines(
		`{"index":{"_index":"logs"}}`, `{"message":"l1"}`,
		`{"index":{"_index":"audit"}}`, `{"message":"a1"}`,
		`{"index":{"_index":"logs"}}`, `{"message":"l2"}`)
	resp := do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, body})
	want := []string{"index logs  201 created", "index audit  429 es_rejected_execution_exception", "index logs  201 created"}
	if got := bulkItems(t, resp.body); resp.status != 200 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("partly stored request: %d %v, want 200 %v", resp.status, got, want)
	}
	// The client (rsyslog's retryfailures, Vector's request_retry_partial)
	// resends the failed item once the buffer has room.
	delete(store.failIndex, "audit")
	resp = do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, bulkLines(`{"index":{"_index":"audit"}}`, `{"message":"a1"}`)})
	if resp.status != 200 {
		t.Fatalf("retry: %d %s", resp.status, resp.body)
	}
	if l, a := len(store.docs("logs")), len(store.docs("audit")); l != 2 || a != 1 {
		t.Errorf("stored logs=%d audit=%d, want 2 and 1", l, a)
	}
}

// Overload before anything is stored refuses the whole request (429 and
// Retry-After, which Vector, Fluent Bit and go-elasticsearch retry) with
// Elasticsearch's error object and every item marked 429, so rsyslog's
// omelasticsearch, which ignores the status and reads items, retries each
// item instead of writing the batch to its error file.
func TestElasticBulkOverloadBeforeStoringRefusesWholeRequestWithItems(t *testing.T) {
	store := newMemStore("logs", "audit")
	store.failIndex["logs"] = engine.ErrOverloaded
	srv := httptest.NewServer(NewHandler(store, HandlerOptions{RetryAfterSeconds: 2}))
	defer srv.Close()
	resp := do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, bulkLines(
		`{"create":{"_index":"logs","_id":"r1"}}`, `{"message":"x"}`,
		`{"create":{"_index":"audit","_id":"r2"}}`, `{"message":"y"}`,
		`{"create":{"_index":"logs","_id":"r3"}}`, `{"a":`)})
	if resp.status != 429 || resp.header.Get("Retry-After") != "2" {
		t.Fatalf("status %d Retry-After %q, want 429 and 2: %s", resp.status, resp.header.Get("Retry-After"), resp.body)
	}
	var refusal struct {
		Status int `json:"status"`
		Error  struct {
			Type string `json:"type"`
		} `json:"error"`
		Errors bool `json:"errors"`
	}
	if err := json.Unmarshal(resp.body, &refusal); err != nil || refusal.Status != 429 || refusal.Error.Type != "es_rejected_execution_exception" || !refusal.Errors {
		t.Errorf("refusal %s lacks Elasticsearch's error object or errors:true (%v)", resp.body, err)
	}
	// r3 is not JSON, but documents are parsed by the store (as
	// Elasticsearch parses them on the shard, after the queue that refused
	// the request): it is refused with the rest and found on the retry.
	want := []string{"create logs r1 429 es_rejected_execution_exception", "create audit r2 429 es_rejected_execution_exception",
		"create logs r3 429 es_rejected_execution_exception"}
	if got := bulkItems(t, resp.body); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("items %v, want %v", got, want)
	}
	if len(store.docs("logs"))+len(store.docs("audit")) != 0 {
		t.Errorf("a refused request stored documents")
	}
	delete(store.failIndex, "logs")
	resp = do(t, srv, request{"POST", "/api/v1/_elastic/_bulk", nil, bulkLines(
		`{"create":{"_index":"logs","_id":"r1"}}`, `{"message":"x"}`,
		`{"create":{"_index":"audit","_id":"r2"}}`, `{"message":"y"}`,
		`{"create":{"_index":"logs","_id":"r3"}}`, `{"a":`)})
	want = []string{"create logs r1 201 created", "create audit r2 201 created", "create logs r3 400 document_parsing_exception"}
	if got := bulkItems(t, resp.body); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("retry: items %v, want %v", got, want)
	}
	if !strings.Contains(string(resp.body), "failed to parse the document on line 6: unexpected end of JSON input") {
		t.Errorf("retry: r3's error does not say why: %s", resp.body)
	}
}

// go-elasticsearch 8 and 9 refuse any answer without X-Elastic-Product; it
// must be on every answer under /api/v1/_elastic, errors included, and on
// nothing else.
func TestElasticAnswersCarryProductHeader(t *testing.T) {
	store := newMemStore("logs")
	for _, token := range []string{"", "secret"} {
		srv := httptest.NewServer(NewHandler(store, HandlerOptions{Token: token}))
		auth := map[string]string{"Authorization": "Bearer " + token}
		for _, tc := range []struct {
			req     request
			status  int
			product bool
		}{
			{request{"GET", "/api/v1/_elastic", auth, nil}, 200, true},
			{request{"GET", "/api/v1/_elastic/", auth, nil}, 200, true},
			{request{"GET", "/api/v1/_elastic/_cluster/health", auth, nil}, 200, true},
			{request{"GET", "/api/v1/_elastic/_cat/health", auth, nil}, 200, true},
			{request{"POST", "/api/v1/_elastic/_bulk", auth, []byte(vectorBulk)}, 200, true},
			{request{"POST", "/api/v1/_elastic/_bulk", auth, []byte("nope\n")}, 400, true},
			{request{"GET", "/api/v1/_elastic/_nodes", auth, nil}, 404, true},
			{request{"POST", "/api/v1/logs/ingest", auth, []byte(`{"a":1}`)}, 200, false},
		} {
			resp := do(t, srv, tc.req)
			if resp.status != tc.status || (resp.header.Get("X-Elastic-Product") == "Elasticsearch") != tc.product {
				t.Errorf("token %q: %s %s: status %d product %q, want %d product=%v (%s)", token, tc.req.method, tc.req.path,
					resp.status, resp.header.Get("X-Elastic-Product"), tc.status, tc.product, resp.body)
			}
		}
		if token != "" {
			resp := do(t, srv, request{"GET", "/api/v1/_elastic/_cluster/health", nil, nil})
			if resp.status != 401 || resp.header.Get("X-Elastic-Product") != "Elasticsearch" || !strings.Contains(string(resp.body), `"security_exception"`) {
				t.Errorf("401 under _elastic: %d %q %s", resp.status, resp.header.Get("X-Elastic-Product"), resp.body)
			}
		}
		srv.Close()
	}
}
