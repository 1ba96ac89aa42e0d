package quickwit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/quickwitfake"
	"github.com/triage-logs/triage/pkg/engine"
)

// The tests run against the strict fake (pkg/backend/quickwitfake),
// written from Quickwit's documentation: Quickwit cannot run here.

const testIndex = `{"version":"0.8","index_id":"logs","doc_mapping":{"mode":"dynamic","field_mappings":[
 {"name":"timestamp","type":"datetime","fast":true,"input_formats":["rfc3339"]},
 {"name":"message","type":"text","tokenizer":"default"}],"timestamp_field":"timestamp"},
 "search_settings":{"default_search_fields":["message"]},"indexing_settings":{"commit_timeout_secs":2}}`

func startFake(t *testing.T, version string, wrap func(http.Handler) http.Handler) (*httptest.Server, *Backend) {
	t.Helper()
	var h http.Handler = quickwitfake.New(quickwitfake.Options{Version: version})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	post(t, srv.URL+"/api/v1/indexes", testIndex)
	s := backend.Settings{Kind: backend.KindQuickwit, URL: srv.URL, Timeout: 5 * time.Second}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return srv, b
}

func post(t *testing.T, url, body string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s", url, res.Status)
	}
}

// TestHealthNamesVersion reads the version from /api/v1/version.
func TestHealthNamesVersion(t *testing.T) {
	_, b := startFake(t, "0.9.1", nil)
	h := b.Health(context.Background())
	if !h.Reachable || h.Version != "0.9.1" || h.Backend != "quickwit" || !strings.Contains(h.Message, "Quickwit 0.9.1") {
		t.Fatalf("health %+v", h)
	}
}

// TestTailHonoursCommitDelay: events become searchable only when their
// split commits; the tail reads each complete second once, after the
// commit delay, so every event arrives exactly once and none early.
func TestTailHonoursCommitDelay(t *testing.T) {
	old := PollInterval
	PollInterval = 100 * time.Millisecond
	defer func() { PollInterval = old }()
	srv, b := startFake(t, "0.8.2", nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tail, err := b.Tail(ctx, backend.TailRequest{Index: "logs", Query: "message:wanted"})
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	sent := map[string]time.Time{}
	for i := range 30 {
		now := time.Now().UTC()
		msg := fmt.Sprintf("wanted %d", i)
		if i%3 == 0 {
			msg = fmt.Sprintf("other %d", i)
		} else {
			sent[msg] = now
		}
		post(t, srv.URL+"/api/v1/logs/ingest", fmt.Sprintf(`{"timestamp":"%s","message":"%s"}`, now.Format(time.RFC3339Nano), msg))
		time.Sleep(50 * time.Millisecond)
	}
	got := map[string]int{}
	timeout := time.After(30 * time.Second)
	for len(got) < len(sent) {
		select {
		case batch, ok := <-tail.Events():
			if !ok {
				t.Fatalf("the tail ended: %v", tail.Err())
			}
			for _, ev := range batch {
				msg, _ := ev.Get("message")
				at, ok := sent[msg.Text()]
				if !ok {
					t.Fatalf("the tail delivered %q, which the query excludes", msg.Text())
				}
				if time.Since(at) < 2*time.Second {
					t.Fatalf("%q delivered %s after ingest, before Quickwit's 2 s commit", msg.Text(), time.Since(at))
				}
				got[msg.Text()]++
			}
		case <-timeout:
			t.Fatalf("after 30 s the tail delivered %d of %d", len(got), len(sent))
		}
	}
	for msg, n := range got {
		if n != 1 {
			t.Errorf("%q delivered %d times", msg, n)
		}
	}
}

// TestRetriesOverload: a 429 from the searcher is retried inside the
// deadline; the caller sees the answer.
func TestRetriesOverload(t *testing.T) {
	var refused atomic.Int32
	_, b := startFake(t, "0.8.2", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/_search") && refused.Add(1) <= 2 {
				http.Error(w, `{"message":"too many requests"}`, http.StatusTooManyRequests)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	if _, err := b.Aggregate(context.Background(), engine.AggRequest{Index: "logs", Query: "*"}); err != nil || refused.Load() != 3 {
		t.Fatalf("after %d attempts: %v", refused.Load(), err)
	}
}

// TestErrorsNameBackendPathMessage: Quickwit's refusal reaches the user
// with the backend, the path and Quickwit's own message.
func TestErrorsNameBackendPathMessage(t *testing.T) {
	_, b := startFake(t, "0.8.2", nil)
	_, err := b.Aggregate(context.Background(), engine.AggRequest{Index: "logs", Query: "status:>abc"})
	var rerr *backend.RemoteError
	if !errors.As(err, &rerr) || !rerr.QueryProblem() {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"quickwit", "POST /api/v1/_elastic/logs/_search", "400 Bad Request", "failed to parse range bound `abc`"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
	_, err = b.Search(context.Background(), backend.SearchRequest{SearchRequest: engine.SearchRequest{Index: "nope", Query: "*"}})
	if !errors.Is(err, engine.ErrIndexNotFound) {
		t.Errorf("a missing index answered %v, want ErrIndexNotFound", err)
	}
}

// TestVersionDetection reads both version forms and falls back to 0.8.
func TestVersionDetection(t *testing.T) {
	for in, want := range map[string]string{"0.8.2": "0.8", "v0.9.1": "0.9", "0.9.0-nightly": "0.9", "1.2.0": "1.2"} {
		v, ok := parseVersion(in)
		if !ok || v.String() != want {
			t.Errorf("parseVersion(%q) = %v %v, want %s", in, v, ok, want)
		}
	}
	if _, ok := parseVersion("unknown"); ok {
		t.Error("unknown parsed")
	}
}
