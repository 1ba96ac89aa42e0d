package ingest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// FuzzElasticBulkHandler sends any body and query string to the bulk
// handler over a store that honours ids, with one index overloaded: the
// answer is never a 5xx other than 503, always Elasticsearch-shaped JSON
// with X-Elastic-Product, a 200 or 429 lists one item per action, and a
// refused request (429) stored nothing.
func FuzzElasticBulkHandler(f *testing.F) {
	f.Add([]byte(vectorBulk), "refresh=true")
	f.Add([]byte("{\"create\":{\"_index\":\"logs\",\"_id\":\"a\"}}\n{\"m\":1}\n{\"create\":{\"_index\":\"logs\",\"_id\":\"a\"}}\n{\"m\":2}\n"), "")
	f.Add([]byte("{\"index\":{\"_index\":\"full\"}}\n{\"m\":1}\n{\"index\":{\"_index\":\"logs\"}}\n{\"m\":2}\n"), "refresh=wait_for")
	f.Fuzz(func(t *testing.T, body []byte, rawQuery string) {
		store := newMemStore("logs", "full")
		store.failIndex["full"] = engine.ErrOverloaded
		h := NewHandler(store, HandlerOptions{})
		u := &url.URL{Path: "/api/v1/_elastic/_bulk", RawQuery: rawQuery}
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.URL = u
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Header().Get("X-Elastic-Product") != "Elasticsearch" {
			t.Fatalf("status %d without X-Elastic-Product", rec.Code)
		}
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var resp struct {
			Items []map[string]json.RawMessage `json:"items"`
			Error json.RawMessage              `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("status %d: answer is not JSON: %v", rec.Code, err)
		}
		if rec.Code == http.StatusTooManyRequests {
			if n := len(store.docs("logs")); n != 0 {
				t.Fatalf("a request refused whole stored %d documents", n)
			}
		}
		if rec.Code == 200 || rec.Code == 429 {
			items, err := ParseBulk(body, "")
			if err != nil || len(resp.Items) != len(items) {
				t.Fatalf("%d items answered for %d actions (%v)", len(resp.Items), len(items), err)
			}
		} else if len(resp.Error) == 0 {
			t.Fatalf("status %d without an Elasticsearch error object: %s", rec.Code, rec.Body)
		}
	})
}
