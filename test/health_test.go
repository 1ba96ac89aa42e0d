package test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/test/harness"
)

// A damaged split does not take the store down: health names it, and
// queries answer from the rest.
func TestHealthReportsDamagedSplits(t *testing.T) {
	dir := t.TempDir()
	eng, err := engine.Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		var docs [][]byte
		for _, line := range strings.Split(strings.TrimSpace(string(ndjson(i*10, 10))), "\n") {
			docs = append(docs, []byte(line))
		}
		if _, err := eng.Ingest(context.Background(), "logs", docs, engine.IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := eng.Flush("logs"); err != nil {
			t.Fatal(err)
		}
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	metas, _ := filepath.Glob(filepath.Join(dir, "*", "logs", "splits", "*", "meta.bin"))
	if len(metas) != 2 {
		all, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
		t.Fatalf("found split metadata %v, want 2 (store holds %v)", metas, all)
	}
	raw, _ := os.ReadFile(metas[0])
	raw[len(raw)/2] ^= 0xff
	if err := os.WriteFile(metas[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}

	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": dir, "ingestListen": ""}, nil)
	h, d := health(t, ds)
	if h.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(h.Message, "damaged splits were set aside") {
		t.Fatalf("health = %v %q, want OK with a warning about the damaged split", h.Status, h.Message)
	}
	if eventsIn(d, "logs") != 10 {
		t.Fatalf("health counts %d events, want the 10 of the intact split", eventsIn(d, "logs"))
	}
	r := ds.Query(t, harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"*"}`, From: demoStart.Add(14 * 3600e9), To: demoStart.Add(15 * 3600e9)})["A"]
	if r.Error != "" || r.Frames[0].Rows() != 10 {
		t.Fatalf("query over the damaged store: %q with %v", r.Error, r.Frames)
	}
}
