package test

import (
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
)

// BenchmarkQueryDataBackends times the dashboard's four panel queries
// (dashboardPanels) sent together in one QueryData call to the built
// plugin, with the datasource's backend switched: the embedded engine, a
// VictoriaLogs cluster (two vlstorage, a vlinsert, a vlselect), the Quickwit
// adapter over `gpx_triage serve`, and over the Quickwit fake. Every store
// holds the same TRIAGE_BENCH_EVENTS generated events (default 1,000,000)
// over the generator's 24 hours. A smoke run:
//
//	TRIAGE_BENCH_EVENTS=20000 go test ./test -run '^$' -bench QueryDataBackends -benchtime 1x
//
// The fake scans every document per query: it models Quickwit's API, not
// its speed, and is timed only to show the adapter's own cost is small.
func BenchmarkQueryDataBackends(b *testing.B) {
	n := envInt(b, "TRIAGE_BENCH_EVENTS", 1_000_000)
	set := newBackends(b)
	gen := loadgen.New(loadgen.Config{Seed: 1, Count: n})
	for left := n; left > 0; {
		batch := make([][]byte, min(5000, left))
		for i := range batch {
			batch[i] = gen.AppendNext(nil)
		}
		left -= len(batch)
		for _, be := range set {
			be.ingest(b, batch)
		}
	}
	from, to := loadgen.DefaultStart, loadgen.DefaultStart.Add(loadgen.DefaultSpan)
	for _, be := range set {
		waitCounted(b, be, n, from, to)
	}
	waitChildrenQuiet(b, 2*time.Second, 5*time.Minute)
	for _, be := range set {
		var queries []harness.Query
		for i, q := range dashboardPanels {
			queries = append(queries, harness.Query{RefID: string(rune('A' + i)), JSON: q, From: from, To: to,
				MaxDataPoints: 1440, Interval: time.Minute})
		}
		b.Run("backend="+be.name, func(b *testing.B) {
			timeRefreshes(b, func(b *testing.B) {
				res, err := be.ds.QueryErr(queries...)
				if err != nil {
					b.Fatalf("QueryData: %v", err)
				}
				for _, q := range queries {
					if r := res[q.RefID]; r.Error != "" || len(r.Frames) == 0 {
						b.Fatalf("panel %s (%s): status %d, error %q", q.RefID, q.JSON, r.Status, r.Error)
					}
				}
			})
		})
	}
}
