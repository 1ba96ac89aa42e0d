package test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
)

// buildStore writes count generated events over the hour from demoStart
// into dir's "logs" index as splits of perSplit events, with the engine
// itself, and returns every traceEvery-th event's trace_id.
func buildStore(t *testing.T, dir string, count, perSplit, traceEvery int) []string {
	t.Helper()
	eng, err := engine.Open(dir, engine.Options{MaxBufferBytes: 1 << 30, FlushBytes: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	gen := loadgen.New(loadgen.Config{Seed: 9, Start: demoStart, Span: time.Hour, Count: count})
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
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	return traces
}

// An alert rule must not be evaluated over partial data. Grafana's alerting
// reads only each response's error (pkg/services/ngalert/eval/eval.go,
// FindConditionError) and overwrites the condition frames' meta, notices
// included (queryDataResponseToExecutionResults: frame.SetMeta(&data.FrameMeta{})),
// so for a request carrying the FromAlert header a partial answer is an
// error; a panel gets the answer with a warning notice.
func TestAlertOverPartialDataIsAnError(t *testing.T) {
	dir := t.TempDir()
	buildStore(t, dir, 4000, 2000, 1000)
	data, _ := filepath.Glob(filepath.Join(dir, "*", "logs", "splits", "*", "columns.bin"))
	if len(data) != 2 {
		t.Fatalf("found split data %v, want 2", data)
	}
	raw, err := os.ReadFile(data[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(raw); i += 64 { // a byte of every column chunk
		raw[i] ^= 0xff
	}
	if err := os.WriteFile(data[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": dir, "ingestListen": ""}, nil)
	q := demoQuery("A", `{"queryType":"timeseries","query":"*","metrics":[{"type":"count"}],"interval":"10m"}`)
	ctx := context.Background()

	panel, err := ds.QueryContext(ctx, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	if r := panel["A"]; r.Error != "" || len(r.Frames) == 0 || !hasWarning(r.Frames, "damaged") {
		t.Fatalf("panel query: error %q, frames %d; want the partial answer with a warning notice", r.Error, len(r.Frames))
	}
	alert, err := ds.QueryContext(ctx, map[string]string{backend.FromAlertHeaderName: "true"}, q)
	if err != nil {
		t.Fatal(err)
	}
	if r := alert["A"]; r.Error == "" || !strings.Contains(r.Error, "partial") || !strings.Contains(r.Error, "damaged") {
		t.Fatalf("alert query: error %q, want one saying the data is partial", r.Error)
	}
	if m := p.Metrics(t); !strings.Contains(m, `triage_query_partial_answers_total{index="logs"} 2`) {
		t.Errorf("the plugin's metrics do not count the two partial answers:\n%s", grepLines(m, "partial"))
	}
}

func hasWarning(frames data.Frames, text string) bool {
	for _, f := range frames {
		if f.Meta == nil {
			continue
		}
		for _, n := range f.Meta.Notices {
			if n.Severity == data.NoticeSeverityWarning && strings.Contains(n.Text, text) {
				return true
			}
		}
	}
	return false
}

func grepLines(text, word string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var blocksScanned = regexp.MustCompile(`(?m)^triage_query_blocks_scanned_total (\d+)`)

func scannedBlocks(t *testing.T, p *harness.Plugin) int {
	t.Helper()
	m := blocksScanned.FindStringSubmatch(p.Metrics(t))
	if m == nil {
		return 0 // registered with the first datasource instance
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Grafana cancels QueryData when a dashboard moves on; the engine work
// behind it stops with it, measured by the blocks the plugin reads.
func TestCancelledQueryDataStopsTheEngine(t *testing.T) {
	dir := t.TempDir()
	// A set of 1024 trace ids, one from every 60 events: every block holds
	// some, so each is read and each row tested against the whole set
	// (seconds per block).
	traces := buildStore(t, dir, 61_440, 8192, 60)
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": dir, "ingestListen": ""}, nil)
	q := demoQuery("A", `{"queryType":"timeseries","query":"trace_id:IN [`+strings.Join(traces, " ")+`]","metrics":[{"type":"count"}],"interval":"10m"}`)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := ds.QueryContext(ctx, nil, q)
		done <- err
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for scannedBlocks(t, p) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the query read no block within two minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; status.Code(err) != codes.Canceled && !errors.Is(err, context.Canceled) {
		t.Fatalf("QueryData ended with %v before it was cancelled; the query must be slower for this test", err)
	}
	time.Sleep(time.Second) // the cancel crossing the socket
	settled := scannedBlocks(t, p)
	time.Sleep(3 * time.Second)
	if later := scannedBlocks(t, p); later != settled {
		t.Fatalf("the plugin read %d more blocks in the 3 s after the query was cancelled", later-settled)
	}
	if settled >= 8 {
		t.Fatalf("%d blocks read: the query ran to the end of the store's 8 blocks instead of stopping", settled)
	}
	t.Logf("stopped after %d of 8 blocks", settled)
}
