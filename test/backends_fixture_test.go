package test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend/quickwitfake"
	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
	vltest "github.com/triage-logs/triage/test/victorialogs"
)

// backendDS is one datasource of the plugin and the store behind it.
type backendDS struct {
	name string
	ds   *harness.Datasource
	// ingest adds NDJSON lines to the store the way its users' shippers do.
	ingest func(t testing.TB, lines [][]byte)
	// secondPrecision: the store orders and ranges hits by whole seconds.
	secondPrecision bool
}

// traceLink is the data link every datasource of these tests configures.
var traceLink = map[string]any{"field": "trace_id", "url": "https://traces.example/trace/${__value.raw}", "label": "Open trace"}

// incidentLines is the generated incident hour and its deploy markers, as
// NDJSON: the data of the dashboard tests.
func incidentLines() [][]byte {
	gen := loadgen.New(loadgen.Config{Seed: 7, Start: incidentFrom, Span: time.Hour, Count: incidentEventsN,
		Incident: loadgen.Incident{Start: incidentStart, Duration: 10 * time.Minute, Service: loadgen.DefaultIncidentService}})
	var lines [][]byte
	for i, at := range incidentDeploys {
		lines = append(lines, fmt.Appendf(nil, `{"timestamp":%q,"service":"payment-service","severity":"info","host":"ci-runner-1","trace_id":"deploy-%d","message":"deploy payment-service v2.14.%d rolled out by ci"}`,
			at.Format(time.RFC3339Nano), i+1, i+1))
	}
	for range incidentEventsN {
		lines = append(lines, gen.AppendNext(nil))
	}
	return lines
}

// startBackends starts one plugin with four datasources over the same
// lines: the embedded engine (the reference), a VictoriaLogs cluster (two
// vlstorage, a vlinsert, a vlselect), the strict Quickwit fake, and
// Triage's own `gpx_triage serve` read as Quickwit.
// Every store must count the lines within [from, to) before it returns.
func startBackends(t testing.TB, lines [][]byte, from, to time.Time) []*backendDS {
	t.Helper()
	set := newBackends(t)
	for _, b := range set {
		b.ingest(t, lines)
	}
	for _, b := range set {
		waitCounted(t, b, len(lines), from, to)
	}
	return set
}

// newBackends starts the plugin and the stores, empty.
func newBackends(t testing.TB) []*backendDS {
	t.Helper()
	p := harness.Start(t, harness.Options{})
	links := []any{traceLink}
	embedded := &backendDS{name: "embedded", ds: p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": "", "dataLinks": links}, nil)}
	embedded.ingest = func(t testing.TB, lines [][]byte) {
		for i := 0; i < len(lines); i += 5000 {
			body := append(bytes.Join(lines[i:min(i+5000, len(lines))], []byte("\n")), '\n')
			if r := embedded.ds.Resource(t, "POST", "ingest/logs?commit=force", body); r.Status != http.StatusOK {
				t.Fatalf("ingest into the embedded store: %d %s", r.Status, r.Body)
			}
		}
	}
	vlURL, vlIngest := startVictoriaLogsCluster(t)
	qwURL, _ := startQuickwitFake(t)
	serve := startServe(t, "-data", t.TempDir(), "-listen", "127.0.0.1:0")
	serveURL := "http://" + serve.addr
	qwIngest := func(base string) func(t testing.TB, lines [][]byte) {
		return func(t testing.TB, lines [][]byte) {
			for i := 0; i < len(lines); i += 5000 {
				postOK(t, base+"/api/v1/logs/ingest?commit=force", bytes.Join(lines[i:min(i+5000, len(lines))], []byte("\n")))
			}
		}
	}
	set := []*backendDS{
		embedded,
		{name: "victorialogs-cluster", ingest: vlIngest,
			ds: p.RemoteDatasource(t, vlURL, map[string]any{"backend": "victorialogs", "dataLinks": links, "timeout": 30}, nil)},
		{name: "quickwit-fake", ingest: qwIngest(qwURL), secondPrecision: true,
			ds: p.RemoteDatasource(t, qwURL, map[string]any{"backend": "quickwit", "dataLinks": links}, nil)},
		{name: "quickwit-gpx_triage-serve", ingest: qwIngest(serveURL),
			ds: p.RemoteDatasource(t, serveURL, map[string]any{"backend": "quickwit", "dataLinks": links}, nil)},
	}
	return set
}

// quickwitFakeIndex is Triage's default mapping as Quickwit writes it,
// committing every second so live tail lags by one second.
const quickwitFakeIndex = `{"version":"0.8","index_id":"logs","doc_mapping":{"mode":"dynamic","field_mappings":[
 {"name":"timestamp","type":"datetime","fast":true,"input_formats":["rfc3339"]},
 {"name":"message","type":"text","tokenizer":"default"},
 {"name":"severity","type":"text","tokenizer":"raw","fast":true}],"timestamp_field":"timestamp"},
 "search_settings":{"default_search_fields":["message"]},"indexing_settings":{"commit_timeout_secs":1}}`

func startQuickwitFake(t testing.TB) (string, *quickwitfake.Server) {
	t.Helper()
	fake := quickwitfake.New(quickwitfake.Options{Version: "0.9.1"})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	postOK(t, srv.URL+"/api/v1/indexes", []byte(quickwitFakeIndex))
	return srv.URL, fake
}

// startVictoriaLogsCluster starts the cluster and returns vlselect's URL
// and how to feed vlinsert.
func startVictoriaLogsCluster(t testing.TB) (string, func(testing.TB, [][]byte)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := vltest.StartCluster(ctx, filepath.Join(t.TempDir(), "vl"), 2)
	if err != nil {
		t.Fatalf("start the VictoriaLogs cluster: %v", err)
	}
	t.Cleanup(c.Stop)
	ingest := func(t testing.TB, lines [][]byte) {
		postOK(t, c.Insert.URL+"/insert/jsonline?_time_field=timestamp&_msg_field=message&_stream_fields=service,host",
			bytes.Join(lines, []byte("\n")))
	}
	return c.Select.URL, ingest
}

// waitCounted waits until b's store counts n events in [from, to)
// (VictoriaLogs makes rows searchable a moment after vlinsert answers).
func waitCounted(t testing.TB, b *backendDS, n int, from, to time.Time) {
	t.Helper()
	q := harness.Query{RefID: "A", JSON: `{"queryType":"table","query":"*","metrics":[{"type":"count"}]}`, From: from, To: to}
	deadline := time.Now().Add(time.Minute)
	for {
		r := b.ds.Query(t, q)["A"]
		got := -1.0
		if r.Error == "" && len(r.Frames) == 1 && len(r.Frames[0].Fields) == 1 && r.Frames[0].Rows() == 1 {
			if v, ok := r.Frames[0].Fields[0].ConcreteAt(0); ok {
				got = v.(float64)
			}
		}
		if got == float64(n) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s counts %v of %d events (%s)", b.name, got, n, r.Error)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func postOK(t testing.TB, url string, body []byte) {
	t.Helper()
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("POST %s: %s %s", strings.SplitN(url, "?", 2)[0], res.Status, bytes.TrimSpace(msg))
	}
}
