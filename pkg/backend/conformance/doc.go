// Package conformance runs the same scenarios over identical generated data
// on every backend: the embedded engine, a real VictoriaLogs cluster, and
// the Quickwit adapter over the strict Quickwit fake (0.8 and 0.9). Counts,
// bucket values and top-N names must agree with the embedded engine;
// percentiles within the sketches' stated bound. The scenarios are the
// bundled dashboard's interpolated queries
// (src/dashboards/testdata/incident-queries.golden), logs paging, context
// windows, logs volume and the heatmap-cell rescope.
//
// A target is one line in targets_test.go: any server speaking Quickwit's
// API joins through quickwitHTTP. `gpx_triage serve` read as Quickwit is
// compared through the built plugin instead (test/backends_test.go), with
// the same golden queries, paging, context, volume, rescope and live tail.
package conformance
