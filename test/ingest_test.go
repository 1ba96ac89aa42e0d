package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/triage-logs/triage/test/harness"
)

// healthDetails decodes the parts of the health details these tests read.
type healthDetails struct {
	IngestBound string `json:"ingestBound"`
	Indexes     []struct {
		ID     string `json:"id"`
		Events int64  `json:"events"`
	} `json:"indexes"`
}

func health(t *testing.T, ds *harness.Datasource) (*pluginv2.CheckHealthResponse, healthDetails) {
	t.Helper()
	h := ds.Health(t)
	var d healthDetails
	if err := json.Unmarshal(h.JsonDetails, &d); err != nil {
		t.Fatalf("health details %q: %v", h.JsonDetails, err)
	}
	return h, d
}

func eventsIn(d healthDetails, index string) int64 {
	for _, ix := range d.Indexes {
		if ix.ID == index {
			return ix.Events
		}
	}
	return -1
}

func ndjson(from, n int) []byte {
	var b bytes.Buffer
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, `{"timestamp":"2026-01-15T14:00:%02d.%03dZ","service":"payment-service","severity":"error","message":"request %d failed"}`+"\n", i%60, i%1000, i)
	}
	return b.Bytes()
}

func post(t *testing.T, url, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(msg)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// ingestTestToken is long enough to pass the listener's token check.
const ingestTestToken = "ingest-test-token-0123456789"

func TestIngestThroughTheInstanceListener(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": "127.0.0.1:0"}, map[string]string{"ingestToken": ingestTestToken})
	h, d := health(t, ds)
	if h.Status != pluginv2.CheckHealthResponse_OK || d.IngestBound == "" {
		t.Fatalf("health = %v %q, want OK with the bound address", h.Status, h.Message)
	}
	url := "http://" + d.IngestBound + "/api/v1/logs/ingest?commit=wait_for"
	if code, body := post(t, url, "", ndjson(0, 10)); code != http.StatusUnauthorized {
		t.Fatalf("without token: %d %s, want 401", code, body)
	}
	if code, body := post(t, url, "wrong", ndjson(0, 10)); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d %s, want 401", code, body)
	}
	code, body := post(t, url, ingestTestToken, ndjson(0, 25))
	if code != http.StatusOK || !strings.Contains(body, `"num_ingested_docs":25`) {
		t.Fatalf("ingest: %d %s, want 200 with 25 ingested", code, body)
	}
	if _, d := health(t, ds); eventsIn(d, "logs") != 25 {
		t.Fatalf("health counts %d events in logs, want 25", eventsIn(d, "logs"))
	}
	res, err := http.Get("http://" + d.IngestBound + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`triage_ingest_events_total{index="logs",outcome="accepted"} 25`,
		`triage_http_requests_total{api="quickwit_ingest",code="401"} 2`,
		`triage_wal_fsync_seconds_count 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestIngestThroughTheResourceAPI(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	r := ds.Resource(t, "POST", "ingest/logs?commit=force", ndjson(0, 7))
	if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`"num_ingested_docs":7`)) {
		t.Fatalf("resource ingest: %d %s", r.Status, r.Body)
	}
	r = ds.Resource(t, "POST", "ingest/nosuchindex", ndjson(0, 1))
	if r.Status != http.StatusNotFound {
		t.Fatalf("unknown index: %d %s, want 404", r.Status, r.Body)
	}
	if _, d := health(t, ds); eventsIn(d, "logs") != 7 {
		t.Fatalf("health counts %d events, want 7", eventsIn(d, "logs"))
	}
}

// A settings change makes Grafana create a new instance while the old one
// lives on for 5 s: the new one must take over the port and the store.
func TestSettingsChangeKeepsPortAndData(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	addr := freePort(t)
	dir := t.TempDir()
	ds := p.Datasource(t, map[string]any{"dataDir": dir, "ingestListen": addr}, nil)
	if h, _ := health(t, ds); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health = %v %q", h.Status, h.Message)
	}
	url := "http://" + addr + "/api/v1/logs/ingest"
	if code, body := post(t, url, "", ndjson(0, 5)); code != http.StatusOK {
		t.Fatalf("first ingest: %d %s", code, body)
	}
	ds.Settings.JsonData = []byte(fmt.Sprintf(`{"dataDir":%q,"ingestListen":%q,"retention":"7d"}`, dir, addr))
	ds.Settings.LastUpdatedMS = time.Now().Add(time.Second).UnixMilli()
	h, d := health(t, ds)
	if h.Status != pluginv2.CheckHealthResponse_OK || d.IngestBound != addr {
		t.Fatalf("after settings change health = %v %q, want OK on %s", h.Status, h.Message, addr)
	}
	if code, body := post(t, url, "", ndjson(5, 5)); code != http.StatusOK {
		t.Fatalf("ingest after settings change: %d %s", code, body)
	}
	// Past the SDK's 5 s dispose delay the old instance is gone; the port and data remain.
	time.Sleep(6 * time.Second)
	if code, body := post(t, url, "", ndjson(10, 5)); code != http.StatusOK {
		t.Fatalf("ingest after the old instance was disposed: %d %s", code, body)
	}
	if _, d := health(t, ds); eventsIn(d, "logs") != 15 {
		t.Fatalf("health counts %d events, want 15", eventsIn(d, "logs"))
	}
}

func TestTwoDatasourcesCannotShareAPort(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	addr := freePort(t)
	first := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": addr}, nil)
	if h, _ := health(t, first); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("first: %v %q", h.Status, h.Message)
	}
	second := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": addr}, nil)
	h, _ := health(t, second)
	if h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "address already in use") {
		t.Fatalf("second: %v %q, want an error naming the address conflict", h.Status, h.Message)
	}
}
