package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/test/harness"
)

// TestCompareSmallRun runs the side-by-side benchmark at a tiny size against
// the real VictoriaLogs and the built gpx_triage, so the code `mage bench`
// runs cannot rot: every row of the table is printed for both systems, and
// the two systems answer every query alike (runCompare fails otherwise).
func TestCompareSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts VictoriaLogs and gpx_triage serve")
	}
	var out bytes.Buffer
	cfg := compareConfig{events: 100_000, streams: 2, bodyBytes: 2_000_000, queryRuns: 2,
		liveRate: 20_000, liveMin: time.Second, settleMax: time.Minute,
		triageBin: harness.Binary(t), dir: t.TempDir(), out: &out}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := runCompare(ctx, cfg); err != nil {
		t.Fatalf("runCompare: %v\n%s", err, out.String())
	}
	text := out.String()
	rows := []string{"| HTTP ingest, events/s (to searchable) |", "| events per server CPU-second |",
		"| client 429 retries at 2 streams |", "| peak RSS (VmHWM, ingest and merges) |", "| disk after merges settle |",
		"| live ingest achieved at 20,000/s asked (429 retries) |",
		"| (c) p50 / p99 while ingesting ÷ idle, 24 h |", "| (e) p50 / p99 while ingesting ÷ idle, 24 h |"}
	for _, q := range compareQueries() {
		rows = append(rows, "| ("+q.id+") "+q.name+", median, ")
	}
	for _, prefix := range rows {
		row := rowOf(text, prefix)
		if row == "" {
			t.Errorf("no row %q in:\n%s", prefix, text)
			continue
		}
		// Name, VictoriaLogs, Triage, ratio: each system's cell holds a figure and its load.
		if cells := strings.Split(strings.Trim(row, "| "), " | "); len(cells) != 4 || !strings.Contains(cells[1], "load ") || !strings.Contains(cells[2], "load ") {
			t.Errorf("row lacks a figure with its load for each system: %s", row)
		}
	}
	if !strings.Contains(text, "Both systems gave the same answer to every query") {
		t.Errorf("answers not confirmed equal:\n%s", text)
	}
}
