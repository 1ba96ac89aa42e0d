package test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/test/harness"
)

// TestQuickwitPartialAnswers: when Quickwit fails to search a split, a
// dashboard panel still draws, with a warning notice naming the failure,
// and the alert rule's query fails instead of evaluating the rest.
func TestQuickwitPartialAnswers(t *testing.T) {
	base, fake := startQuickwitFake(t)
	lines := incidentLines()
	for i := 0; i < len(lines); i += 10_000 { // one split per batch
		postOK(t, base+"/api/v1/logs/ingest?commit=force", bytes.Join(lines[i:min(i+10_000, len(lines))], []byte("\n")))
	}
	p := harness.Start(t, harness.Options{})
	b := &backendDS{name: "quickwit-fake", ds: p.RemoteDatasource(t, base, map[string]any{"backend": "quickwit"}, nil)}
	var rule goldenQuery
	for _, q := range readIncidentQueries(t) {
		if q.Scenario == "alert rule" {
			rule = q
		}
	}
	q := harness.Query{RefID: "A", JSON: string(rule.Model), From: incidentFrom, To: incidentTo, MaxDataPoints: 720, Interval: time.Minute}
	whole := digestFrames(t, "timeseries", mustFrames(t, b, q))
	fake.FailSplits(1)
	defer fake.FailSplits(0)

	frames := mustFrames(t, b, q)
	if !hasWarning(frames, "") {
		t.Errorf("a partial answer carries no warning notice: %s", describeFrames(frames))
	}
	if d := compareDigests(whole, digestFrames(t, "timeseries", frames)); len(d) == 0 {
		t.Error("the failed split changed nothing; the test does not exercise a partial answer")
	}
	logs := mustFrames(t, b, harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"*","limit":10}`, From: incidentFrom, To: incidentTo})
	if !hasWarning(logs, "") {
		t.Error("a partial logs page carries no warning notice")
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := b.ds.QueryContext(ctx, map[string]string{"FromAlert": "true"}, q)
	if err != nil {
		t.Fatal(err)
	}
	if r := res["A"]; r.Status != 500 || len(r.Frames) != 0 || !strings.Contains(r.Error, "alert rules are not evaluated on partial data") {
		t.Errorf("the alert query answered status %d with %d frames (%q), want 500 refusing partial data", r.Status, len(r.Frames), r.Error)
	}
}
