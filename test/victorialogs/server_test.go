package victorialogs

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestStartIngestQuery proves the pinned binary runs here: it ingests two
// lines through /insert/jsonline and finds one of them with LogsQL.
func TestStartIngestQuery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := Start(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	body := `{"_time":"2026-01-15T14:00:00Z","_msg":"payment timeout","service":"payment"}
{"_time":"2026-01-15T14:00:01Z","_msg":"all good","service":"auth"}
`
	res, err := http.Post(s.URL+"/insert/jsonline?_stream_fields=service", "application/stream+json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("insert: %s", res.Status)
	}
	// Ingested rows become searchable within a second.
	deadline := time.Now().Add(10 * time.Second)
	for {
		q := url.Values{"query": {"timeout"}, "start": {"2026-01-15T00:00:00Z"}, "end": {"2026-01-16T00:00:00Z"}}
		res, err := http.Get(s.URL + "/select/logsql/query?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(out), "payment timeout") {
			if strings.Contains(string(out), "all good") {
				t.Fatalf("query for timeout returned the other line too: %s", out)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ingested line never became searchable; last answer %s %q; log:\n%s", res.Status, out, s.Log())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
