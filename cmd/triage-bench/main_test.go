package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestRunSmallStore runs every phase on a small store and checks that each
// query found something and every figure reached the targets table: a query
// that matches nothing would otherwise be timed as fast.
func TestRunSmallStore(t *testing.T) {
	var out bytes.Buffer
	cfg := config{events: 100_000, dir: t.TempDir(), writers: 2, batch: 1000, queryRuns: 2,
		liveRate: 20_000, liveMin: 200 * time.Millisecond, settleMax: 5 * time.Second, httpEvents: 4_000, out: &out}
	if err := run(context.Background(), cfg); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, q := range benchQueries() {
		for _, w := range []string{"24 h", "1 h"} {
			row := rowOf(text, "| ("+q.id+") "+q.name+" | "+w+" | ")
			if row == "" {
				t.Errorf("no row for query (%s) over %s:\n%s", q.id, w, text)
				continue
			}
			if strings.Contains(row, "| 0 hits |") || strings.Contains(row, "| 0 events") {
				t.Errorf("query (%s) over %s found nothing: %s", q.id, w, row)
			}
			if q.live && strings.Contains(row, "| — |") {
				t.Errorf("query (%s) over %s was not timed under ingest: %s", q.id, w, row)
			}
			if rowOf(text, "| ("+q.id+") median, "+w+" |") == "" {
				t.Errorf("no target row for query (%s) over %s", q.id, w)
			}
		}
	}
	for _, want := range []string{"| ingest, engine API |", "| on disk |", "| peak RSS |", "| HTTP ingest (plain) vs engine API |", "| HTTP ingest (gzip) vs engine API |", "Under ingest: "} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func rowOf(text, prefix string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}
