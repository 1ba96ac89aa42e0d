package test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
)

// standalone is one `gpx_triage serve` process.
type standalone struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

var listeningLine = regexp.MustCompile(`Triage is listening on http://(\S+)`)

func startServe(t testing.TB, args ...string) *standalone {
	t.Helper()
	cmd := exec.Command(harness.Binary(t), append([]string{"serve"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &standalone{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case s.addr = <-found:
	case err := <-s.done:
		t.Fatalf("serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not print its address within 30 s")
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return s
}

// stop sends SIGTERM, as a service manager does, and waits for a clean exit.
func (s *standalone) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of SIGTERM")
	}
}

func indexEvents(t *testing.T, addr, index string) int64 {
	t.Helper()
	res, err := http.Get("http://" + addr + "/api/v1/indexes/" + index)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d struct {
		Stats struct {
			Events int64 `json:"num_events"`
		} `json:"stats"`
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatalf("describe %s: %v", index, err)
	}
	return d.Stats.Events
}

func TestServeIngestsManagesIndexesAndExportsMetrics(t *testing.T) {
	s := startServe(t, "-data", t.TempDir(), "-listen", "127.0.0.1:0")
	base := "http://" + s.addr
	if code, body := post(t, base+"/api/v1/logs/ingest?commit=wait_for", "", ndjson(0, 12)); code != 200 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	if n := indexEvents(t, s.addr, "logs"); n != 12 {
		t.Fatalf("logs holds %d events, want 12", n)
	}
	cfg := `{"index_id":"audit","doc_mapping":{"mode":"strict","timestamp_field":"ts",
		"field_mappings":[{"name":"ts","type":"datetime","fast":true},{"name":"actor","type":"text","tokenizer":"raw"}]}}`
	if code, body := post(t, base+"/api/v1/indexes", "", []byte(cfg)); code != 200 {
		t.Fatalf("create index: %d %s", code, body)
	}
	if code, body := post(t, base+"/api/v1/indexes", "", []byte(cfg)); code != http.StatusConflict {
		t.Fatalf("create twice: %d %s, want 409", code, body)
	}
	if code, body := post(t, base+"/api/v1/indexes", "", []byte(`{"index_id":"../x"}`)); code != http.StatusBadRequest {
		t.Fatalf("bad index id: %d %s, want 400", code, body)
	}
	code, body := post(t, base+"/api/v1/audit/ingest?detailed_response=true&commit=force", "",
		[]byte(`{"ts":"2026-01-15T14:00:00Z","actor":"alice"}`+"\n"+`{"ts":"2026-01-15T14:00:01Z","actor":"bob","extra":1}`+"\n"))
	if code != 200 || !strings.Contains(body, `"num_rejected_docs":1`) || !strings.Contains(body, "extra") {
		t.Fatalf("strict ingest: %d %s, want one rejection naming the unknown field", code, body)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`triage_ingest_events_total{index="logs",outcome="accepted"} 12`,
		`triage_ingest_events_total{index="audit",outcome="rejected"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	s.stop(t)
}

// A server restarted in the middle of a stream loses nothing: the client
// retries as Vector does, and every event is stored exactly once.
func TestServeRestartMidStreamLosesNothing(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	s := startServe(t, "-data", dir, "-listen", addr)
	const total = 30000
	gen := loadgen.New(loadgen.Config{Seed: 7, Count: total})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	streamed := make(chan error, 1)
	go func() {
		_, err := loadgen.Stream(ctx, gen, loadgen.StreamConfig{
			URL: "http://" + addr + "/api/v1/logs/ingest", Rate: 20000, Batch: 500, Count: total,
			Backoff: loadgen.Backoff{Initial: 50 * time.Millisecond, Max: 500 * time.Millisecond},
			Out:     io.Discard,
		})
		streamed <- err
	}()
	time.Sleep(400 * time.Millisecond)
	s.stop(t)
	s = startServe(t, "-data", dir, "-listen", addr)
	if err := <-streamed; err != nil {
		t.Fatalf("stream: %v", err)
	}
	if n := indexEvents(t, s.addr, "logs"); n != total {
		t.Fatalf("after restart the store holds %d events, want exactly %d", n, total)
	}
	s.stop(t)
}

func TestServeSearchIsQuickwitCompatible(t *testing.T) {
	s := startServe(t, "-data", t.TempDir(), "-listen", "127.0.0.1:0")
	base := "http://" + s.addr
	gen := loadgen.New(loadgen.Config{Seed: 3, Start: demoStart, Span: time.Hour, Count: 5000})
	var body strings.Builder
	for i := 0; i < 5000; i++ {
		body.Write(gen.AppendNext(nil))
		body.WriteByte('\n')
	}
	if code, msg := post(t, base+"/api/v1/logs/ingest?commit=force", "", []byte(body.String())); code != 200 {
		t.Fatalf("ingest: %d %s", code, msg)
	}
	var res struct {
		NumHits int64            `json:"num_hits"`
		Hits    []map[string]any `json:"hits"`
		Aggs    map[string]struct {
			Buckets []struct {
				Key      any   `json:"key"`
				DocCount int64 `json:"doc_count"`
				P99      struct {
					Values map[string]float64 `json:"values"`
				} `json:"p99"`
			} `json:"buckets"`
			Value float64 `json:"value"`
		} `json:"aggregations"`
	}
	start, end := demoStart.Unix(), demoStart.Add(time.Hour).Unix()
	getJSON(t, fmt.Sprintf("%s/api/v1/logs/search?query=%s&start_timestamp=%d&end_timestamp=%d&max_hits=7&sort_by=-timestamp",
		base, url.QueryEscape("severity:error AND service:payment-service"), start, end), &res)
	if res.NumHits == 0 || len(res.Hits) != 7 {
		t.Fatalf("num_hits %d with %d hits, want errors and 7 hits", res.NumHits, len(res.Hits))
	}
	for _, h := range res.Hits {
		if h["severity"] != "error" || h["service"] != "payment-service" || h["timestamp"] == nil {
			t.Fatalf("hit %v does not match the query or lacks its timestamp", h)
		}
	}
	errorsTotal := res.NumHits
	aggBody := fmt.Sprintf(`{"query":"service:payment-service","start_timestamp":%d,"end_timestamp":%d,"max_hits":0,
		"aggs":{"by_severity":{"terms":{"field":"severity","size":10}},
		        "per_10m":{"date_histogram":{"field":"timestamp","fixed_interval":"10m"},"aggs":{"p99":{"percentiles":{"field":"latency_ms","percents":[99]}}}},
		        "users":{"cardinality":{"field":"user_id"}}}}`, start, end)
	code, msg := post(t, base+"/api/v1/logs/search", "", []byte(aggBody))
	if code != 200 {
		t.Fatalf("search with aggs: %d %s", code, msg)
	}
	if err := json.Unmarshal([]byte(msg), &res); err != nil {
		t.Fatal(err)
	}
	var fromTerms int64
	for _, b := range res.Aggs["by_severity"].Buckets {
		if b.Key == "error" {
			fromTerms = b.DocCount
		}
	}
	if fromTerms != errorsTotal {
		t.Fatalf("terms count %d errors, the search found %d", fromTerms, errorsTotal)
	}
	if n := len(res.Aggs["per_10m"].Buckets); n != 6 {
		t.Fatalf("%d ten-minute buckets in an hour, want 6", n)
	}
	if p := res.Aggs["per_10m"].Buckets[3].P99.Values["99.0"]; p <= 0 {
		t.Fatalf("p99 of the incident bucket is %v", p)
	}
	if res.Aggs["users"].Value <= 0 {
		t.Fatalf("cardinality of user_id is %v", res.Aggs["users"].Value)
	}
	for _, bad := range []string{"?query=service:", "?max_hits=-1", "?start_timestamp=yesterday"} {
		r, err := http.Get(base + "/api/v1/logs/search" + bad)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("search%s: %d, want 400", bad, r.StatusCode)
		}
	}
	s.stop(t)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, r.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v in %s", u, err, b)
	}
}
