package loadgen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedServer answers requests with the scripted statuses in order
// ("drop" closes the connection without answering), then 200, and keeps
// the events of the requests it accepted.
type scriptedServer struct {
	t        *testing.T
	mu       sync.Mutex
	script   []string
	accepted []string
	attempts int
	headers  []http.Header
}

func (s *scriptedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	s.headers = append(s.headers, r.Header.Clone())
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			s.t.Errorf("bad gzip body: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		s.t.Errorf("read body: %v", err)
	}
	if len(s.script) > 0 {
		step := s.script[0]
		s.script = s.script[1:]
		if step == "drop" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		status, retryAfter, _ := strings.Cut(step, " retry-after=")
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		code := map[string]int{"429": 429, "408": 408, "500": 500, "503": 503, "501": 501, "400": 400, "401": 401}[status]
		http.Error(w, "scripted "+status, code)
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			s.t.Errorf("invalid JSON line %q", sc.Text())
		}
		s.accepted = append(s.accepted, sc.Text())
	}
	w.WriteHeader(http.StatusOK)
}

func TestStreamRetries(t *testing.T) {
	tests := []struct {
		name        string
		script      []string
		gzip        bool
		wantSleeps  []time.Duration
		wantErr     string
		wantEvents  int
		wantRetries int64
	}{
		{"all accepted", nil, false, nil, "", 2500, 0},
		{"429 then 200 honours Retry-After", []string{"429 retry-after=2"}, false, []time.Duration{2 * time.Second}, "", 2500, 1},
		{"429 without Retry-After backs off", []string{"429", "429", "503", "408"}, true,
			[]time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}, "", 2500, 4},
		{"Retry-After is capped", []string{"503 retry-after=100000"}, false, []time.Duration{time.Minute}, "", 2500, 1},
		{"connection dropped is retried", []string{"drop", "500"}, false, []time.Duration{10 * time.Millisecond, 10 * time.Millisecond}, "", 2500, 2},
		{"400 stops the run", []string{"400"}, false, nil, "400 Bad Request: scripted 400", 0, 0},
		{"501 is not retried", []string{"501"}, false, nil, "501 Not Implemented", 0, 0},
		{"401 after retries", []string{"429", "401"}, false, []time.Duration{10 * time.Millisecond}, "401 Unauthorized", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &scriptedServer{t: t, script: tt.script}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			var sleeps []time.Duration
			var out bytes.Buffer
			cfg := StreamConfig{
				URL: ts.URL + "/api/v1/logs/ingest", Rate: 1e9, Batch: 1000, Count: 2500, Gzip: tt.gzip, Token: "secret",
				Out: &out, Backoff: Backoff{Initial: 10 * time.Millisecond, Max: time.Second, MaxRetryAfter: time.Minute},
				retrySleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
			}
			st, err := Stream(context.Background(), New(Config{Seed: 1}), cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Stream error = %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Stream: %v", err)
			}
			if len(srv.accepted) != tt.wantEvents || st.Events != int64(tt.wantEvents) {
				t.Errorf("server accepted %d events, stats say %d; want %d", len(srv.accepted), st.Events, tt.wantEvents)
			}
			if st.Retries != tt.wantRetries {
				t.Errorf("retries = %d, want %d", st.Retries, tt.wantRetries)
			}
			if !equalDurations(sleeps, tt.wantSleeps) {
				t.Errorf("retry waits = %v, want %v", sleeps, tt.wantSleeps)
			}
			want := generate(Config{Seed: 1}, tt.wantEvents)
			if got := strings.Join(srv.accepted, "\n"); tt.wantEvents > 0 && got+"\n" != string(want) {
				t.Errorf("delivered events differ from the generator's sequence (lost, duplicated or reordered)")
			}
			for _, h := range srv.headers {
				if h.Get("Authorization") != "Bearer secret" || h.Get("Content-Type") != "application/x-ndjson" {
					t.Errorf("request headers %v lack the bearer token or NDJSON content type", h)
				}
			}
			wantLine := "total 2500 events"
			if tt.wantErr != "" {
				wantLine = "stopped after 0 events"
			}
			if !strings.Contains(out.String(), wantLine) {
				t.Errorf("summary %q lacks %q", out.String(), wantLine)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStreamConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     StreamConfig
		wantErr string
	}{
		{"no url", StreamConfig{Rate: 1, Count: 1}, "-url"},
		{"no rate", StreamConfig{URL: "http://127.0.0.1:1", Count: 1}, "rate 0"},
		{"unbounded", StreamConfig{URL: "http://127.0.0.1:1", Rate: 1}, "-duration or -n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Stream(context.Background(), New(Config{}), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Stream error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Thu, 15 Jan 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Thu, 15 Jan 2026 11:00:00 GMT", 0, true},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestFibonacciBackoff(t *testing.T) {
	f := fibonacci{b: Backoff{Initial: time.Second, Max: 10 * time.Second}}
	want := []time.Duration{1, 1, 2, 3, 5, 8, 10, 10}
	for i, w := range want {
		if got := f.next(); got != w*time.Second {
			t.Fatalf("delay %d = %v, want %v", i, got, w*time.Second)
		}
	}
}
