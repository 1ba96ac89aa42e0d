package ingest

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// vectorBulk is what Vector's elasticsearch sink sends with
// bulk.action = "create" and bulk.index = "logs" (API version 7+: no _type).
const vectorBulk = `{"create":{"_index":"logs"}}
{"host":"web-1","message":"GET /api/v1/payments 200","service":"payment-service","timestamp":"2026-01-15T14:31:44.123456Z"}
{"create":{"_index":"logs"}}
{"host":"web-2","message":"upstream timeout","service":"payment-service","timestamp":"2026-01-15T14:31:44.223456Z"}
`

// vectorBulkResponse is the part of the bulk answer Vector parses.
type vectorBulkResponse struct {
	Took   *int64 `json:"took"`
	Errors *bool  `json:"errors"`
	Items  []map[string]struct {
		Index  string `json:"_index"`
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Result string `json:"result"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

func TestVectorElasticsearchHealthcheck(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newMemStore("logs"), HandlerOptions{Token: "t"}))
	defer srv.Close()
	auth := map[string]string{"Authorization": "Bearer t"}
	for _, path := range []string{"/api/v1/_elastic", "/api/v1/_elastic/"} {
		resp := do(t, srv, request{"GET", path, auth, nil})
		var info struct {
			ClusterName string `json:"cluster_name"`
			Tagline     string `json:"tagline"`
			Version     struct {
				Number string `json:"number"`
			} `json:"version"`
		}
		if resp.status != 200 || json.Unmarshal(resp.body, &info) != nil {
			t.Fatalf("GET %s: %d %s", path, resp.status, resp.body)
		}
		major, err := strconv.Atoi(strings.Split(info.Version.Number, ".")[0])
		if err != nil || major < 7 || info.ClusterName == "" || info.Tagline == "" {
			t.Errorf("GET %s: version info %+v is not one Vector accepts (version.number ≥ 7, cluster_name, tagline)", path, info)
		}
	}
	if resp := do(t, srv, request{"GET", "/api/v1/_elastic/_cluster/health", auth, nil}); resp.status != 200 || !strings.Contains(string(resp.body), `"status":"green"`) {
		t.Errorf("cluster health: %d %s", resp.status, resp.body)
	}
	resp := do(t, srv, request{"GET", "/api/v1/_elastic/_cluster/state/version", auth, nil})
	var state struct{ Version int }
	if resp.status != 200 || json.Unmarshal(resp.body, &state) != nil || state.Version < 7 {
		t.Errorf("cluster state version (older Vector's version probe): %d %s", resp.status, resp.body)
	}
	if resp := do(t, srv, request{"GET", "/api/v1/_elastic/_cluster/health", nil, nil}); resp.status != 401 {
		t.Errorf("healthcheck without token: status %d, want 401", resp.status)
	}
}

func TestElasticBulk(t *testing.T) {
	type item struct {
		action, index, id string
		status            int
		errType           string
	}
	tests := []struct {
		name       string
		storeErr   error
		req        request
		wantStatus int
		wantBody   string
		wantErrors bool
		wantItems  []item
		wantDocs   map[string]int
		wantCommit engine.CommitMode
	}{
		{
			name: "vector elasticsearch sink, gzip",
			req: request{"POST", "/api/v1/_elastic/_bulk?timeout=60s", map[string]string{
				"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"}, gzipped(t, []byte(vectorBulk))},
			wantStatus: 200,
			wantItems:  []item{{"create", "logs", "", 201, ""}, {"create", "logs", "", 201, ""}},
			wantDocs:   map[string]int{"logs": 2},
		},
		{
			name: "index from path, _id echoed, refresh=true forces a commit",
			req: request{"POST", "/api/v1/_elastic/logs/_bulk?refresh=true", nil, []byte(
				`{"index":{"_id":"a1"}}` + "\n" + `{"message":"x"}` + "\n" + `{"index":{"_index":"other","_id":7}}` + "\n" + `{"message":"y"}` + "\n")},
			wantStatus: 200,
			wantItems:  []item{{"index", "logs", "a1", 201, ""}, {"index", "other", "7", 201, ""}},
			wantDocs:   map[string]int{"logs": 1, "other": 1},
			wantCommit: engine.CommitForce,
		},
		{
			name:       "refresh=wait_for",
			req:        request{"POST", "/api/v1/_elastic/logs/_bulk?refresh=wait_for", nil, []byte(`{"index":{}}` + "\n" + `{"m":1}` + "\n")},
			wantStatus: 200, wantItems: []item{{"index", "logs", "", 201, ""}}, wantDocs: map[string]int{"logs": 1},
			wantCommit: engine.CommitWaitFor,
		},
		{
			name: "unsupported actions, bad documents and unknown index fail per item",
			req: request{"POST", "/api/v1/_elastic/_bulk", nil, []byte(strings.Join([]string{
				`{"delete":{"_index":"logs","_id":"1"}}`,
				`{"update":{"_index":"logs","_id":"2"}}`, `{"doc":{"a":1}}`,
				`{"index":{"_index":"logs"}}`, `{"a":`,
				`{"index":{"_index":"logs"}}`, `{"severity":"reject-me"}`,
				`{"index":{"_index":"missing"}}`, `{"a":1}`,
				`{"index":{}}`, `{"a":1}`,
				`{"create":{"_index":"logs"}}`, `{"ok":true}`,
				`{"create":{"_index":"logs"}}`,
			}, "\n"))},
			wantStatus: 200, wantErrors: true,
			wantItems: []item{
				{"delete", "logs", "1", 400, "illegal_argument_exception"},
				{"update", "logs", "2", 400, "illegal_argument_exception"},
				{"index", "logs", "", 400, "document_parsing_exception"},
				{"index", "logs", "", 400, "document_parsing_exception"},
				{"index", "missing", "", 404, "index_not_found_exception"},
				{"index", "", "", 400, "action_request_validation_exception"},
				{"create", "logs", "", 201, ""},
				{"create", "logs", "", 400, "action_request_validation_exception"},
			},
			wantDocs: map[string]int{"logs": 1},
		},
		{
			name:       "malformed action line rejects the request",
			req:        request{"POST", "/api/v1/_elastic/_bulk", nil, []byte(`{"index":{}}` + "\n" + `{"a":1}` + "\n" + `not json` + "\n")},
			wantStatus: 400, wantBody: `malformed bulk body: line 3: expected an action object`,
		},
		{
			name:       "unknown action rejects the request",
			req:        request{"POST", "/api/v1/_elastic/_bulk", nil, []byte(`{"upsert":{}}` + "\n" + `{"a":1}` + "\n")},
			wantStatus: 400, wantBody: `unknown action \"upsert\"; expected one of index, create, delete, update`,
		},
		{
			name:       "empty body",
			req:        request{"POST", "/api/v1/_elastic/_bulk", nil, nil},
			wantStatus: 400, wantBody: `no requests added`,
		},
		{
			name:       "overload rejects the whole request",
			storeErr:   engine.ErrOverloaded,
			req:        request{"POST", "/api/v1/_elastic/_bulk", nil, []byte(vectorBulk)},
			wantStatus: 429, wantBody: `"type":"es_rejected_execution_exception"`,
		},
		{
			name:       "bad refresh value",
			req:        request{"POST", "/api/v1/_elastic/_bulk?refresh=soon", nil, []byte(vectorBulk)},
			wantStatus: 400, wantBody: `refresh=\"soon\" is not supported`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore("logs", "other")
			store.err = tt.storeErr
			srv := httptest.NewServer(NewHandler(store, HandlerOptions{}))
			defer srv.Close()
			resp := do(t, srv, tt.req)
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if !strings.Contains(string(resp.body), tt.wantBody) {
				t.Errorf("body %s\nlacks %s", resp.body, tt.wantBody)
			}
			if tt.wantStatus == 429 && resp.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			if tt.wantStatus != 200 {
				if n := len(store.docs("logs")); n != 0 {
					t.Errorf("rejected request stored %d docs", n)
				}
				return
			}
			var got vectorBulkResponse
			if err := json.Unmarshal(resp.body, &got); err != nil || got.Took == nil || got.Errors == nil {
				t.Fatalf("bulk response %s lacks took/errors (%v)", resp.body, err)
			}
			if *got.Errors != tt.wantErrors {
				t.Errorf("errors = %v, want %v", *got.Errors, tt.wantErrors)
			}
			if len(got.Items) != len(tt.wantItems) {
				t.Fatalf("%d items, want %d: %s", len(got.Items), len(tt.wantItems), resp.body)
			}
			for i, w := range tt.wantItems {
				g, ok := got.Items[i][w.action]
				if !ok {
					t.Errorf("item %d: no %q result in %v", i, w.action, got.Items[i])
					continue
				}
				errType := ""
				if g.Error != nil {
					errType = g.Error.Type
					if g.Error.Reason == "" {
						t.Errorf("item %d: error without a reason", i)
					}
				}
				if g.Index != w.index || g.ID != w.id || g.Status != w.status || errType != w.errType {
					t.Errorf("item %d = {%s %s %d %s}, want {%s %s %d %s}", i, g.Index, g.ID, g.Status, errType, w.index, w.id, w.status, w.errType)
				}
				if w.status == 201 && g.Result != "created" {
					t.Errorf("item %d result %q, want created", i, g.Result)
				}
			}
			for ix, n := range tt.wantDocs {
				if got := len(store.docs(ix)); got != n {
					t.Errorf("index %s holds %d docs, want %d", ix, got, n)
				}
			}
			for _, c := range store.calls {
				if c.opts.Commit != tt.wantCommit {
					t.Errorf("commit mode %v, want %v", c.opts.Commit, tt.wantCommit)
				}
			}
		})
	}
}
