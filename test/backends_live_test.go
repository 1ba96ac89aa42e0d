package test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/test/harness"
)

// liveLine is an event of the live tail tests: service live-checkout.
func liveLine(at time.Time, phase string, i int) []byte {
	return fmt.Appendf(nil, `{"timestamp":%q,"service":"live-checkout","severity":"info","host":"ip-10-9-9-9","trace_id":"%s-%d","message":"live %s %d","latency_ms":12}`,
		at.UTC().Format(time.RFC3339Nano), phase, i, phase, i)
}

// TestBackendsLiveTail runs the dashboard's live logs panel as Grafana
// does (QueryData, then SubscribeStream and RunStream on the frame's
// channel) on every backend: events ingested after the first frame arrive,
// each once and oldest first, none of the first frame's again, in packets
// that carry the query's refId and meta. A Quickwit store delivers them
// after its commit timeout (1 s here), VictoriaLogs after its tail offset.
func TestBackendsLiveTail(t *testing.T) {
	start := time.Now().UTC()
	var before [][]byte
	for i := range 5 {
		before = append(before, liveLine(start.Add(-time.Duration(30-i)*time.Second), "before", i))
	}
	set := startBackends(t, before, start.Add(-time.Hour), start.Add(time.Hour))
	for _, b := range set {
		t.Run(b.name, func(t *testing.T) {
			waitLogRows(t, b.ds, "service:live-checkout", len(before))
			q := harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"service:live-checkout","limit":100,"sort":"desc","live":true}`,
				From: time.Now().Add(-time.Hour), To: time.Now()}
			first, path := liveQuery(t, b.ds, q)
			if rows := logRows(t, first); len(rows) != len(before) {
				t.Fatalf("the first frame holds %d rows, want the %d ingested before (notices %+v)", len(rows), len(before), first.Meta.Notices)
			}
			checkOldestFirst(t, "first frame", first)
			ctx, stream := subscribeAndRun(t, b.ds, path)
			var after [][]byte
			for i := range 5 {
				after = append(after, liveLine(time.Now(), "after", i))
			}
			b.ingest(t, after)
			got := map[string]int{}
			deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			for len(got) < len(after) {
				f := nextPacket(t, deadline, stream)
				if f.RefID != "A" || f.Meta == nil || f.Meta.Channel == "" {
					t.Fatalf("a packet lacks the query's refId or meta: refId %q meta %+v", f.RefID, f.Meta)
				}
				if custom, _ := f.Meta.Custom.(map[string]any); custom == nil || custom["limit"] == nil {
					t.Fatalf("a packet's meta.custom %v lacks the limit", f.Meta.Custom)
				}
				checkOldestFirst(t, "packet", f)
				for _, r := range logRows(t, f) {
					if !strings.HasPrefix(r.traceID, "after-") {
						t.Fatalf("the stream sends %s, which the first frame showed", r.traceID)
					}
					got[r.traceID]++
				}
			}
			for id, n := range got {
				if n != 1 {
					t.Errorf("%s came %d times", id, n)
				}
			}
		})
	}
}

// waitLogRows waits until a plain logs query of the last hour shows n rows.
// A VictoriaLogs cluster was seen (once, at load 7 on 2 cores) counting the
// rows in a stats query a moment before its hits query returned them; the
// live query's first frame is judged once the store has settled.
func waitLogRows(t *testing.T, ds *harness.Datasource, query string, n int) {
	t.Helper()
	q := harness.Query{RefID: "W", JSON: fmt.Sprintf(`{"queryType":"logs","query":%q,"limit":100,"sort":"desc"}`, query),
		From: time.Now().Add(-time.Hour), To: time.Now()}
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := ds.Query(t, q)["W"]
		got := -1
		if r.Error == "" && len(r.Frames) > 0 {
			got = r.Frames[0].Rows()
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a logs query of %s shows %d rows, want %d (%s)", query, got, n, r.Error)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
