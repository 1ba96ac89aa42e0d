package engine

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/merge"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// mergeAll merges until the policy finds nothing more and returns how
// many merges ran.
func mergeAll(t testing.TB, ix *indexState, now time.Time) int {
	t.Helper()
	n := 0
	for {
		merged, err := ix.mergeOnce(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if !merged {
			return n
		}
		n++
	}
}

// quietHourLater is a moment past the close of the test data's day and
// more than an hour past its last flush: the merge policy then merges the
// day's leftovers whatever their level.
func quietHourLater() time.Time { return time.Now().Add(2 * time.Hour) }

// flushDocs ingests testDocs(from, n) and flushes them into one split.
func flushDocs(t testing.TB, e *Engine, ix *indexState, from, n int) {
	t.Helper()
	if _, err := e.Ingest(context.Background(), DefaultIndexID, testDocs(from, n), IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
}

// checkOnce fails unless events hold ids [0, n) exactly once each.
func checkOnce(t testing.TB, what string, events []event.Event, n int) {
	t.Helper()
	counts := idCounts(t, events)
	for id := 0; id < n; id++ {
		if counts[int64(id)] != 1 {
			t.Fatalf("%s: event %d seen %d times", what, id, counts[int64(id)])
		}
	}
	if len(counts) != n || len(events) != n {
		t.Fatalf("%s: %d events with %d ids, want %d", what, len(events), len(counts), n)
	}
}

func snapshotEvents(t testing.TB, snap *Snapshot) []event.Event {
	t.Helper()
	var out []event.Event
	var err error
	for _, s := range snap.Splits() {
		for b := range s.Meta.Blocks {
			if out, err = s.ReadEvents(b, nil, out); err != nil {
				t.Fatal(err)
			}
		}
	}
	return append(out, snap.Events()...)
}

func TestMergeKeepsSearchAndAggregations(t *testing.T) {
	e, events := loadgenEngine(t, 7, 30_000, 24, 1000)
	ix, _ := e.lookup(DefaultIndexID)
	start, end := loadgen.DefaultStart, loadgen.DefaultStart.Add(24*time.Hour)
	searches := []SearchRequest{
		{Query: "", Limit: 1000, CountTotal: true},
		{Query: "severity:error", Limit: 700, Order: Asc, CountTotal: true},
		{Query: loadgen.IncidentException, Start: start, End: end, Limit: 100, CountTotal: true},
		{Query: "service:payment-service AND NOT severity:info", Start: start.Add(6 * time.Hour), End: start.Add(18 * time.Hour), Limit: 300},
	}
	aggs := []AggRequest{
		{Query: "severity:error", Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Minute}}}},
		{Query: "", Aggs: []Agg{{Name: "ep", Terms: &TermsAgg{Field: "endpoint", Size: 10}},
			{Name: "st", Terms: &TermsAgg{Field: "status_code", Size: 20}}}},
		{Query: "service:payment-service", Aggs: []Agg{{Name: "t", DateHistogram: &DateHistogramAgg{Interval: time.Hour}, Subs: []Agg{
			{Name: "p99", Metric: &MetricAgg{Kind: MetricPercentiles, Field: "latency_ms", Percents: []float64{50, 99}}},
			{Name: "users", Metric: &MetricAgg{Kind: MetricCardinality, Field: "user_id"}},
			{Name: "max", Metric: &MetricAgg{Kind: MetricMax, Field: "latency_ms"}}}}}},
	}
	answers := func() []any {
		var out []any
		for _, req := range searches {
			req.Index = DefaultIndexID
			res, err := e.Search(context.Background(), req)
			if err != nil {
				t.Fatalf("search %q: %v", req.Query, err)
			}
			out = append(out, res)
		}
		for _, req := range aggs {
			req.Index, req.Start, req.End = DefaultIndexID, start, end
			res, err := e.Aggregate(context.Background(), req)
			if err != nil {
				t.Fatalf("aggregate %q: %v", req.Query, err)
			}
			out = append(out, res)
		}
		return out
	}
	want := answers()
	_, before, _ := e.DescribeIndex(DefaultIndexID)
	// The day of the data is long closed and an hour quiet: its 24 splits
	// merge down to one.
	n := mergeAll(t, ix, quietHourLater())
	_, after, _ := e.DescribeIndex(DefaultIndexID)
	if before.Splits != 24 || after.Splits != 1 || after.Merges != int64(n) || n == 0 {
		t.Fatalf("splits %d → %d after %d merges (stats say %d)", before.Splits, after.Splits, n, after.Merges)
	}
	if after.Events != before.Events || after.MinTime != before.MinTime || after.MaxTime != before.MaxTime {
		t.Fatalf("stats changed: %+v → %+v", before, after)
	}
	got := answers()
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("answer %d differs after merging:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	all := allEvents(t, e, DefaultIndexID)
	if len(all) != len(events) {
		t.Fatalf("%d events after merging, want %d", len(all), len(events))
	}
	seen := map[uint64]bool{}
	for _, ev := range all {
		seen[ev.Seq] = true
	}
	for _, ev := range events {
		if !seen[ev.Seq] {
			t.Fatalf("seq %d lost by the merge", ev.Seq)
		}
	}
}

func TestMergeSnapshotsSeeEachEventOnce(t *testing.T) {
	opts := testOptions()
	opts.MergeFactor = 3
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	ix, _ := e.lookup(DefaultIndexID)
	for i := 0; i < 4; i++ {
		flushDocs(t, e, ix, i*60, 60)
	}
	old, err := e.Snapshot(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	oldSplits := old.Splits()
	if n := mergeAll(t, ix, quietHourLater()); n != 2 {
		t.Fatalf("%d merges, want 2 (three splits, then the result and the fourth)", n)
	}
	checkOnce(t, "snapshot taken before the merges", snapshotEvents(t, old), 240)
	cur, _ := e.Snapshot(DefaultIndexID)
	if len(cur.Splits()) != 1 {
		t.Fatalf("%d splits after merging, want 1", len(cur.Splits()))
	}
	checkOnce(t, "snapshot taken after", snapshotEvents(t, cur), 240)
	cur.Release()
	// The inputs stay on disk while the old snapshot reads them, and the
	// merged split names all four, though two merges made it.
	m, err := merge.ReadMarker(cur.Splits()[0].Path())
	if err != nil || len(m.Replaces) != 5 {
		t.Fatalf("marker %v, %v; want the 4 inputs and the intermediate split", m.Replaces, err)
	}
	for _, s := range oldSplits {
		if _, err := os.Stat(s.Path()); err != nil {
			t.Fatalf("input split removed while a snapshot reads it: %v", err)
		}
	}
	old.Release()
	for _, s := range oldSplits {
		if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
			t.Fatalf("input split %s still on disk after the last release: %v", s.Meta.ID, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(ix.dir, indexSplitsDir))
	if len(entries) != 1 {
		t.Fatalf("splits directory holds %d entries, want the merged split only", len(entries))
	}
}

func TestMergeAndRetention(t *testing.T) {
	at := func(hhmm string) time.Time {
		tm, _ := time.Parse(time.RFC3339, "2026-01-15T"+hhmm+":00Z")
		return tm
	}
	t.Run("a merged split expires with its newest event", func(t *testing.T) {
		opts := testOptions()
		opts.MergeFactor = 2
		e := openTestEngine(t, t.TempDir(), opts)
		defer e.Close()
		ix, _ := e.lookup(DefaultIndexID)
		flushDocs(t, e, ix, 0, 60)   // 14:00:00–14:00:59
		flushDocs(t, e, ix, 200, 60) // 14:03:20–14:04:19
		if err := e.UpdateRetention(DefaultIndexID, "8 minutes"); err != nil {
			t.Fatal(err)
		}
		if n := mergeAll(t, ix, time.Now()); n != 1 {
			t.Fatalf("%d merges, want 1", n)
		}
		// Unmerged, the first split would go at 14:09; merged, the events
		// stay until the newest (14:04:19) is 8 minutes old.
		for _, tc := range []struct {
			now     string
			dropped int
		}{{"14:10", 0}, {"14:12", 0}, {"14:13", 1}} {
			if n := ix.expireSplits(at(tc.now)); n != tc.dropped {
				t.Fatalf("at %s dropped %d splits, want %d", tc.now, n, tc.dropped)
			}
		}
		if ev := allEvents(t, e, DefaultIndexID); len(ev) != 0 {
			t.Fatalf("%d events left after retention", len(ev))
		}
	})
	t.Run("retention during a merge abandons it", func(t *testing.T) {
		opts := testOptions()
		opts.MergeFactor = 2
		e := openTestEngine(t, t.TempDir(), opts)
		defer e.Close()
		ix, _ := e.lookup(DefaultIndexID)
		flushDocs(t, e, ix, 0, 60)
		flushDocs(t, e, ix, 200, 60)
		if err := e.UpdateRetention(DefaultIndexID, "8 minutes"); err != nil {
			t.Fatal(err)
		}
		ix.merge.hook = func(step mergeStep) {
			if step == mergeStepMarked {
				if n := ix.expireSplits(at("14:10")); n != 1 {
					t.Errorf("retention dropped %d splits, want 1", n)
				}
			}
		}
		merged, err := ix.mergeOnce(context.Background(), time.Now())
		if merged || err == nil || !strings.Contains(err.Error(), "dropped by retention") {
			t.Fatalf("merge = %v, %v; want it abandoned", merged, err)
		}
		ids := idCounts(t, allEvents(t, e, DefaultIndexID))
		if len(ids) != 60 || ids[200] != 1 || ids[0] != 0 {
			t.Fatalf("after the abandoned merge: %d ids; want the second split's 60", len(ids))
		}
		entries, _ := os.ReadDir(filepath.Join(ix.dir, indexSplitsDir))
		if len(entries) != 1 {
			t.Fatalf("splits directory holds %d entries, want 1", len(entries))
		}
	})
}

func TestMergeCloseCancels(t *testing.T) {
	dir := t.TempDir()
	opts := testOptions()
	opts.MergeFactor = 2
	e := openTestEngine(t, dir, opts)
	ix, _ := e.lookup(DefaultIndexID)
	flushDocs(t, e, ix, 0, 60)
	flushDocs(t, e, ix, 60, 60)
	written := make(chan struct{})
	ix.merge.hook = func(step mergeStep) {
		if step == mergeStepWritten {
			close(written)
			<-ix.stop // hold the merge here until Close has begun
		}
		if step == mergeStepPublished {
			t.Error("a merge published while the index closed")
		}
	}
	ix.requestMerge()
	<-written
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, st, _ := e.DescribeIndex(DefaultIndexID); st.Merges != 0 {
		t.Fatalf("stats after close: %+v", st)
	}
	entries, _ := os.ReadDir(filepath.Join(indexDir(dir, DefaultIndexID), indexSplitsDir))
	for _, ent := range entries {
		if strings.HasPrefix(ent.Name(), ".") {
			t.Fatalf("cancelled merge left %s", ent.Name())
		}
	}
	if len(entries) != 2 {
		t.Fatalf("%d splits after a cancelled merge, want 2", len(entries))
	}
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	checkOnce(t, "after reopening", allEvents(t, e, DefaultIndexID), 120)
}

// TestMergeBackground runs the merger from the commit ticker, as in
// production, and checks IndexStats reports the merges.
func TestMergeBackground(t *testing.T) {
	opts := testOptions()
	opts.CommitTimeout = 5 * time.Millisecond
	// Eight flushes merge in pairs down to one split by level alone; the
	// day's leftovers would wait for an hour without flushes.
	opts.MergeFactor = 2
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	ix, _ := e.lookup(DefaultIndexID)
	for i := 0; i < 8; i++ {
		flushDocs(t, e, ix, i*30, 30)
	}
	for {
		_, st, _ := e.DescribeIndex(DefaultIndexID)
		if st.Splits == 1 {
			if st.Merges < 2 || st.MergeFailures != 0 {
				t.Fatalf("stats %+v: want at least 2 merges and no failures", st)
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	checkOnce(t, "after background merges", allEvents(t, e, DefaultIndexID), 240)
}

// TestMergeFailureIsReported: a merge that cannot read an input leaves the
// inputs in place and says why in IndexStats.
func TestMergeFailureIsReported(t *testing.T) {
	opts := testOptions()
	opts.MergeFactor = 2
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	ix, _ := e.lookup(DefaultIndexID)
	flushDocs(t, e, ix, 0, 60)
	flushDocs(t, e, ix, 60, 60)
	damaged := ix.view.splits[0].split
	flipByte(t, filepath.Join(damaged.Path(), split.SplitDataFile), 3)
	ix.requestMerge()
	var st IndexStats
	for st.MergeFailures == 0 {
		time.Sleep(time.Millisecond)
		_, st, _ = e.DescribeIndex(DefaultIndexID)
	}
	if st.Merges != 0 || st.Splits != 2 || !strings.Contains(st.LastMergeError, damaged.Meta.ID) || !strings.Contains(st.LastMergeError, "corrupt") {
		t.Fatalf("stats %+v; want the failure naming split %s", st, damaged.Meta.ID)
	}
	entries, _ := os.ReadDir(filepath.Join(ix.dir, indexSplitsDir))
	if len(entries) != 2 {
		t.Fatalf("splits directory holds %d entries after a failed merge, want 2", len(entries))
	}
}

// TestMergeLeavesADayBeingWrittenAlone: splits of a past day (a backfill)
// are merged as leftovers only once an hour has passed without a flush
// into it, and the merged split counts its merge, as the policy assumes.
func TestMergeLeavesADayBeingWrittenAlone(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup(DefaultIndexID)
	for i := range 3 {
		flushDocs(t, e, ix, i*50, 50)
	}
	if n := mergeAll(t, ix, time.Now().Add(59*time.Minute)); n != 0 {
		t.Fatalf("%d merges within the hour after the last flush, want 0", n)
	}
	if n := mergeAll(t, ix, quietHourLater()); n != 1 {
		t.Fatalf("%d merges an hour after the last flush, want 1", n)
	}
	snap, _ := e.Snapshot(DefaultIndexID)
	defer snap.Release()
	if s := snap.Splits(); len(s) != 1 {
		t.Fatalf("%d splits after the merge, want 1", len(s))
	} else if s[0].Meta.MergeOps != 1 {
		t.Fatalf("the merged split says merge_ops %d, want 1", s[0].Meta.MergeOps)
	}
	checkOnce(t, "after the merge", snapshotEvents(t, snap), 150)
}
