package victorialogs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	vltest "github.com/triage-logs/triage/test/victorialogs"
)

func newBackend(t *testing.T, url string) *Backend {
	t.Helper()
	s := backend.Settings{Kind: backend.KindVictoriaLogs, URL: url, Timeout: 10 * time.Second}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func insert(t *testing.T, base string, lines ...string) {
	t.Helper()
	res, err := http.Post(base+"/insert/jsonline?_time_field=timestamp&_msg_field=message&_stream_fields=service",
		"application/stream+json", strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("insert: %s", res.Status)
	}
}

// TestStorageNodeDownIsAnError: with a storage node gone, vlselect would
// answer from the rest if allowed; the adapter never allows it, so the
// query fails with an error naming the backend, the path and the reason,
// instead of answering with events missing.
func TestStorageNodeDownIsAnError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := vltest.StartCluster(ctx, t.TempDir(), 2, "-search.allowPartialResponse")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf(`{"timestamp":"2026-01-15T14:00:%02dZ","message":"line %d","service":"svc-%d"}`, i%60, i, i%20))
	}
	insert(t, c.Insert.URL, lines...)
	b := newBackend(t, c.Select.URL)
	req := engine.AggRequest{Index: "logs", Query: "*", Start: time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 15, 15, 0, 0, 0, time.UTC)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := b.Aggregate(ctx, req)
		if err == nil && res.DocCount == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster counts %d of 200 (%v)", res.DocCount, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	c.Storage[1].Stop()
	_, err = b.Aggregate(ctx, req)
	var rerr *backend.RemoteError
	if !errors.As(err, &rerr) {
		t.Fatalf("with a storage node down the answer was %v, want a RemoteError", err)
	}
	if rerr.Backend != "victorialogs" || rerr.Path != "/select/logsql/stats_query" || rerr.Status != http.StatusBadGateway || rerr.Message == "" {
		t.Fatalf("error %+v does not name the backend, path, status and message", rerr)
	}
}

// TestTailDeliversNewEvents follows /select/logsql/tail on a real
// VictoriaLogs: events ingested after the subscription arrive, filtered
// by the query, each once.
func TestTailDeliversNewEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := vltest.Start(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	old := TailDelay
	TailDelay = time.Second
	defer func() { TailDelay = old }()
	b := newBackend(t, s.URL)
	tail, err := b.Tail(ctx, backend.TailRequest{Index: "logs", Query: "severity:error"})
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	time.Sleep(500 * time.Millisecond)
	now := time.Now().UTC()
	var lines []string
	for i := range 10 {
		sev := "info"
		if i%2 == 0 {
			sev = "error"
		}
		lines = append(lines, fmt.Sprintf(`{"timestamp":"%s","message":"tail %d","service":"svc","severity":"%s"}`, now.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano), i, sev))
	}
	insert(t, s.URL, lines...)
	got := map[string]int{}
	timeout := time.After(30 * time.Second)
	for len(got) < 5 {
		select {
		case batch, ok := <-tail.Events():
			if !ok {
				t.Fatalf("the tail ended: %v", tail.Err())
			}
			for _, ev := range batch {
				msg, _ := ev.Get("message")
				sev, _ := ev.Get("severity")
				if sev.Text() != "error" {
					t.Fatalf("the tail delivered %q, which the query excludes", msg.Text())
				}
				got[msg.Text()]++
			}
		case <-timeout:
			t.Fatalf("after 30 s the tail delivered %v", got)
		}
	}
	for msg, n := range got {
		if n != 1 {
			t.Errorf("%q delivered %d times", msg, n)
		}
	}
	tail.Close()
	for range tail.Events() {
	}
	if tail.Err() != nil {
		t.Errorf("a closed tail reports %v", tail.Err())
	}
}

// TestRefusedBeforeSent: a construct LogsQL cannot express is a query
// error naming it, and nothing reaches the server.
func TestRefusedBeforeSent(t *testing.T) {
	b := newBackend(t, "http://127.0.0.1:1")
	_, err := b.Search(context.Background(), backend.SearchRequest{SearchRequest: engine.SearchRequest{Index: "logs", Query: `service:""`}})
	var qerr *engine.QueryError
	var uerr *backend.UnsupportedError
	if !errors.As(err, &qerr) || !errors.As(err, &uerr) || uerr.Construct != `service:""` {
		t.Fatalf("got %v, want a QueryError wrapping an UnsupportedError", err)
	}
}

// TestHealthUnreachable names the URL and what failed.
func TestHealthUnreachable(t *testing.T) {
	h := newBackend(t, "http://127.0.0.1:1").Health(context.Background())
	if h.Reachable || h.Backend != "victorialogs" || !strings.Contains(h.Message, "http://127.0.0.1:1") || !strings.Contains(h.Message, "/health") {
		t.Fatalf("health %+v", h)
	}
}
