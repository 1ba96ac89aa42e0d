package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/pkg/query"
)

var storeStart = time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)

// fillSplits writes count generated events into eng's "logs" index as
// splits of perSplit events and returns every traceEvery-th trace_id.
func fillSplits(t *testing.T, eng *engine.Engine, count, perSplit, traceEvery int) []string {
	t.Helper()
	gen := loadgen.New(loadgen.Config{Seed: 9, Start: storeStart, Span: time.Hour, Count: count})
	var traces []string
	var docs [][]byte
	for i := 0; i < count; i++ {
		doc := gen.AppendNext(nil)
		if i%traceEvery == 0 {
			var ev struct {
				TraceID string `json:"trace_id"`
			}
			if err := json.Unmarshal(doc, &ev); err != nil {
				t.Fatal(err)
			}
			traces = append(traces, ev.TraceID)
		}
		docs = append(docs, doc)
		if len(docs) == perSplit || i == count-1 {
			if _, err := eng.Ingest(context.Background(), "logs", docs, engine.IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := eng.Flush("logs"); err != nil {
				t.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	return traces
}

// queryServer serves an engine opened with opts' limits and the metrics'
// hooks, through the real listener.
func queryServer(t *testing.T, dir string, lim engine.QueryLimits, logTo *bytes.Buffer) (string, *engine.Engine, *Metrics) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, reg)
	eng, err := engine.Open(dir, m.EngineOptions(engine.Options{Limits: lim, MaxBufferBytes: 1 << 30, FlushBytes: 1 << 40}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	logger := slog.New(slog.DiscardHandler)
	if logTo != nil {
		logger = slog.New(slog.NewTextHandler(logTo, nil))
	}
	l, err := Listen("127.0.0.1:0", "", NewHandler(eng, Options{Metrics: m, Logger: logger}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(time.Second) })
	return "http://" + l.Addr, eng, m
}

func setQuery(traces []string) string { return "trace_id:IN [" + strings.Join(traces, " ") + "]" }

// A client that gives up takes its query with it: the blocks the server
// reads stop rising once the connection is gone (the issue saw 23 s of
// CPU after a 2 s client timeout).
func TestSearchStopsWhenTheClientLeaves(t *testing.T) {
	base, eng, m := queryServer(t, t.TempDir(), engine.QueryLimits{Timeout: 10 * time.Minute}, nil)
	traces := fillSplits(t, eng, 61_440, 8192, 60)
	u := base + "/api/v1/logs/search?max_hits=0&query=" + url.QueryEscape(setQuery(traces))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	for testutil.ToFloat64(m.QueryBlocks) == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // the client leaves
	if err := <-done; err == nil {
		t.Fatal("the search finished before the client left; the query must be slower for this test")
	}
	time.Sleep(time.Second)
	settled := testutil.ToFloat64(m.QueryBlocks)
	time.Sleep(3 * time.Second)
	if later := testutil.ToFloat64(m.QueryBlocks); later != settled {
		t.Fatalf("the server read %v more blocks in the 3 s after the client left", later-settled)
	}
	if settled >= 8 {
		t.Fatalf("%v blocks read: the search ran through all 8 instead of stopping", settled)
	}
}

// Refusals of the query limits are 400s naming the limit, and quick.
func TestSearchQueryLimitsAre400(t *testing.T) {
	base, eng, _ := queryServer(t, t.TempDir(), engine.QueryLimits{Timeout: 200 * time.Millisecond, MaxMemoryBytes: 1 << 20}, nil)
	traces := fillSplits(t, eng, 20_000, 8192, 20)
	var ors []string
	for i := 0; i < 50_000; i++ {
		ors = append(ors, fmt.Sprintf("service:s%d", i))
	}
	huge := strings.Join(ors, " OR ")
	hundredK := make([]string, 100_000)
	for i := range hundredK {
		hundredK[i] = fmt.Sprintf("id%d", i)
	}
	tests := []struct {
		name, body, want string
	}{
		{"an 800 KB query of 50,000 clauses", mustJSON(map[string]any{"query": huge}), "bytes long, more than the limit"},
		{"id:IN [100k terms]", mustJSON(map[string]any{"query": setQuery(hundredK)}), "bytes long, more than the limit"},
		{"1025 set values", mustJSON(map[string]any{"query": setQuery(hundredK[:query.DefaultMaxClauses+1])}), "more than 1024 clauses"},
		{"a slow query past its deadline", mustJSON(map[string]any{"query": setQuery(traces[:1000]), "max_hits": 0}), "time limit of 200ms"},
		{"distinct terms past the memory budget", `{"query":"*","max_hits":0,"aggs":{"t":{"terms":{"field":"trace_id"}}}}`, "memory limit of 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := send(t, "POST", base+"/api/v1/logs/search", "", nil, []byte(tt.body))
			if code != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
				t.Fatalf("%d %.300s, want 400 saying %q", code, msg, tt.want)
			}
		})
	}
	t.Run("a query past the size limit in a GET URL", func(t *testing.T) {
		// The listener's header limit leaves room for a URL carrying the
		// largest query accepted, so the refusal names the query limit.
		long := setQuery(hundredK[:10_000])
		code, msg := send(t, "GET", base+"/api/v1/logs/search?query="+url.QueryEscape(long), "", nil, nil)
		if code != http.StatusBadRequest || !strings.Contains(msg, "bytes long, more than the limit") {
			t.Fatalf("%d-byte query in the URL: %d %.300s, want 400 naming the query size limit", len(long), code, msg)
		}
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// A damaged split is never silent: the search answers from the rest and
// names the split in Quickwit's `errors`, in /metrics and in the log.
func TestPartialSearchIsReported(t *testing.T) {
	base, m, log := damagedServer(t)
	var res struct {
		NumHits int64    `json:"num_hits"`
		Errors  []string `json:"errors"`
	}
	body := fmt.Sprintf(`{"query":"*","max_hits":100,"start_timestamp":%d,"end_timestamp":%d,"aggs":{"s":{"terms":{"field":"service"}}}}`,
		storeStart.Unix(), storeStart.Add(time.Hour).Unix())
	code, msg := send(t, "POST", base+"/api/v1/logs/search", "", nil, []byte(body))
	if code != 200 {
		t.Fatalf("search over a damaged split: %d %s", code, msg)
	}
	decodeJSON(t, msg, &res)
	if len(res.Errors) == 0 || !strings.Contains(strings.Join(res.Errors, " "), "damaged") {
		t.Fatalf("errors %q: the partial answer is silent", res.Errors)
	}
	// The aggregation read the damaged split; the search counted from block
	// metadata and took its hits from the intact one, so it was whole.
	if n := testutil.ToFloat64(m.PartialAnswers.WithLabelValues("logs")); n != 1 {
		t.Errorf("/metrics counts %v partial answers, want 1", n)
	}
	if !strings.Contains(log.String(), "search answered with errors") || !strings.Contains(log.String(), "damaged") {
		t.Errorf("the log does not report the partial answer:\n%s", log.String())
	}
}

// damagedServer serves a "logs" index of two splits, one damaged as a
// failing disk damages it (bytes flipped through its column data), with
// the server's log.
func damagedServer(t *testing.T) (string, *Metrics, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	dir := t.TempDir()
	base, eng, m := queryServer(t, dir, engine.QueryLimits{}, &log)
	fillSplits(t, eng, 4000, 2000, 1000)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "logs", "splits", "*", "columns.bin"))
	if len(files) != 2 {
		t.Fatalf("split data files %v, want 2", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(raw); i += 8 {
		raw[i] ^= 0xff
	}
	if err := os.WriteFile(files[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return base, m, &log
}
