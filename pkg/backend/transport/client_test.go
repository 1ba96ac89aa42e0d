package transport

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
)

func newClient(t *testing.T, s backend.Settings) *Client {
	t.Helper()
	s.Kind = backend.KindQuickwit
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	c, err := New("quickwit", s)
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff, c.MaxBackoff = 5*time.Millisecond, 20*time.Millisecond
	return c
}

// TestRetryOverloadInsideDeadline: 429 and 503 are retried until the store
// answers; the caller sees only the success.
func TestRetryOverloadInsideDeadline(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) < 3 {
				http.Error(w, `{"message":"too many requests"}`, status)
				return
			}
			_, _ = w.Write([]byte(`{"ok":true}`))
		}))
		c := newClient(t, backend.Settings{URL: srv.URL, Timeout: 5 * time.Second})
		res, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/api/v1/_elastic/_msearch", Body: []byte("{}")})
		srv.Close()
		if err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		if string(res.Body) != `{"ok":true}` || calls.Load() != 3 {
			t.Fatalf("status %d: body %q after %d calls", status, res.Body, calls.Load())
		}
	}
}

// TestRetryGivesUpAtDeadline: when the next wait would pass the deadline
// the error is returned at once, naming the backend, path and message.
func TestRetryGivesUpAtDeadline(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many concurrent queries", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := newClient(t, backend.Settings{URL: srv.URL, Timeout: time.Second})
	started := time.Now()
	_, err := c.Do(context.Background(), Request{Path: "/select/logsql/query"})
	var rerr *backend.RemoteError
	if !errors.As(err, &rerr) {
		t.Fatalf("want a RemoteError, got %v", err)
	}
	// Waiting out Retry-After would end only at the 1 s deadline.
	if time.Since(started) > 900*time.Millisecond || calls.Load() != 1 {
		t.Fatalf("waited %s over %d calls although Retry-After passes the deadline", time.Since(started), calls.Load())
	}
	for _, want := range []string{"quickwit", "GET /select/logsql/query", "429", "too many concurrent queries"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// TestNoRetryOfQueryErrors: a 400 is the query's fault; it is not retried.
func TestNoRetryOfQueryErrors(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"root_cause":[],"reason":"unknown field [interval]"},"status":400}`))
	}))
	defer srv.Close()
	c := newClient(t, backend.Settings{URL: srv.URL})
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/api/v1/_elastic/logs/_search"})
	var rerr *backend.RemoteError
	if !errors.As(err, &rerr) || !rerr.QueryProblem() || calls.Load() != 1 {
		t.Fatalf("got %v after %d calls", err, calls.Load())
	}
	if rerr.Message != "unknown field [interval]" {
		t.Fatalf("message %q", rerr.Message)
	}
}

func TestErrorMessageShapes(t *testing.T) {
	for body, want := range map[string]string{
		`{"message":"index not found"}`:                "index not found",
		`{"error":{"reason":"failed to parse query"}}`: "failed to parse query",
		`{"error":"bad step"}`:                         "bad step",
		"cannot parse query [foo:(]: missing `)`\n":    "cannot parse query [foo:(]: missing `)`",
		"":                        "empty answer",
		strings.Repeat("é", 2000): strings.Repeat("é", 512) + "…",
	} {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%.40q) = %.60q, want %.60q", body, got, want)
		}
	}
}

func TestAuthHeaders(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		s    backend.Settings
		want string
	}{
		{backend.Settings{URL: srv.URL, BearerToken: "t0k"}, "Bearer t0k"},
		{backend.Settings{URL: srv.URL, BasicAuthUser: "grafana", BasicAuthPassword: "pw"}, "Basic Z3JhZmFuYTpwdw=="},
		{backend.Settings{URL: srv.URL}, ""},
	} {
		if _, err := newClient(t, tc.s).Do(context.Background(), Request{Path: "/health"}); err != nil {
			t.Fatal(err)
		}
		if got.Load() != tc.want {
			t.Errorf("Authorization %q, want %q", got.Load(), tc.want)
		}
	}
}

// TestTLSWithCA: a server certificate from an unknown CA is refused, and
// accepted once that CA is configured.
func TestTLSWithCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	if _, err := newClient(t, backend.Settings{URL: srv.URL}).Do(context.Background(), Request{Path: "/"}); err == nil {
		t.Fatal("an unknown CA was trusted")
	}
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c := newClient(t, backend.Settings{URL: srv.URL, TLS: backend.TLSSettings{CACertPEM: string(ca)}})
	if _, err := c.Do(context.Background(), Request{Path: "/"}); err != nil {
		t.Fatalf("with the CA configured: %v", err)
	}
	if _, err := New("quickwit", backend.Settings{URL: srv.URL, TLS: backend.TLSSettings{CACertPEM: "not pem"}}); err == nil {
		t.Fatal("a CA that is not PEM was accepted")
	}
}

// TestBodyLimit: an answer larger than the limit is an error, not memory.
func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 4096)))
	}))
	defer srv.Close()
	c := newClient(t, backend.Settings{URL: srv.URL})
	c.MaxBodyBytes = 1024
	if _, err := c.Do(context.Background(), Request{Path: "/big"}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

// TestUnreachable names the path and that nothing answered.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, backend.Settings{URL: "http://" + addr, Timeout: 200 * time.Millisecond})
	_, err = c.Do(context.Background(), Request{Path: "/api/v1/version"})
	if err == nil || !strings.Contains(err.Error(), "/api/v1/version") {
		t.Fatalf("got %v", err)
	}
}
