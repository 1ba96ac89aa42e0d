package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// TestSearchNumHitsWithAggs: num_hits is every match in the range whether
// the count comes from the search pass (no aggregations) or from the
// aggregation, which counts them anyway (then the search pass does not).
func TestSearchNumHitsWithAggs(t *testing.T) {
	srv, eng, _ := newTestServer(t, engine.Options{}, "")
	var docs [][]byte
	for i := range 300 {
		sev := "info"
		if i%3 == 0 {
			sev = "error"
		}
		docs = append(docs, fmt.Appendf(nil, `{"timestamp":"2026-01-15T10:%02d:%02dZ","severity":"%s","message":"m %d"}`, i/60, i%60, sev, i))
	}
	if _, err := eng.Ingest(context.Background(), "logs", docs, engine.IngestOptions{Commit: engine.CommitForce}); err != nil {
		t.Fatal(err)
	}
	// 2026-01-15T10:00:00Z to 11:00:00Z.
	const aggs = `"start_timestamp":1768471200,"end_timestamp":1768474800,"aggs":{"per_minute":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"}}}`
	tests := []struct {
		name, body string
		hits, num  int
	}{
		{"hits only", `{"query":"severity:error","max_hits":5}`, 5, 100},
		{"aggregation only", `{"query":"severity:error","max_hits":0,` + aggs + `}`, 0, 100},
		{"hits and aggregation", `{"query":"severity:error","max_hits":5,` + aggs + `}`, 5, 100},
		{"everything, aggregation only", `{"query":"*","max_hits":0,` + aggs + `}`, 0, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Post(srv.URL+"/api/v1/logs/search", "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var out struct {
				NumHits int              `json:"num_hits"`
				Hits    []map[string]any `json:"hits"`
			}
			if res.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
				t.Fatalf("%s: %s", res.Status, b)
			}
			if out.NumHits != tc.num || len(out.Hits) != tc.hits {
				t.Fatalf("num_hits %d with %d hits, want %d with %d: %s", out.NumHits, len(out.Hits), tc.num, tc.hits, b)
			}
		})
	}
}
