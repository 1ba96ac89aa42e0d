package engine

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateFaultTable = flag.Bool("update-fault-table", false, "rewrite testdata/fault_table.golden")

// faultScenario damages a copy of the fault store on disk and says what
// index logs must look like after the next Open.
type faultScenario struct {
	name   string
	damage func(t *testing.T, root string)
	// query is what the count runs; a match-all count reads no column, so
	// query-time damage needs a query that reads one.
	query string
	// visible is the events the count finds; lost and uncounted are what
	// IndexStats reports (EventsLost, UncountedLosses).
	visible   int64
	lost      int64
	uncounted int
	kinds     []DamageKind
	torn      int64
	// skipped is set when the count itself must name a skipped split.
	skipped bool
	// unavailable: the index cannot open; its data is untouched.
	unavailable bool
}

func logsWAL(root string) string { return filepath.Join(indexDir(root, DefaultIndexID), indexWALDir) }

// walRecord flips a byte at delta from the start of record rec of the
// segment seg (both counted among the segments holding records).
func flipWALRecord(seg, rec int, delta int64) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		segs := walSegmentsWithRecords(t, logsWAL(root))
		flipByte(t, segs[seg], walFrameOffsets(t, segs[seg])[rec]+delta)
	}
}

func faultScenarios() []faultScenario {
	const newest = faultWALRecords/2 - 1
	return []faultScenario{
		{name: "flipped byte in the final WAL record (length intact)", damage: flipWALRecord(newest, 1, walFrameHeaderSize+500),
			visible: faultTotal - 100, lost: 100, kinds: []DamageKind{DamageWALRecord}},
		{name: "flipped byte in a middle WAL record", damage: flipWALRecord(2, 0, walFrameHeaderSize+500),
			visible: faultTotal - 100, lost: 100, kinds: []DamageKind{DamageWALRecord}},
		{name: "flipped byte in a middle WAL record's length", damage: flipWALRecord(2, 0, 1),
			visible: faultTotal, kinds: []DamageKind{DamageWALRecord}},
		{name: "flipped byte in the final WAL record's length", damage: flipWALRecord(newest, 1, 1),
			visible: faultTotal, kinds: []DamageKind{DamageWALRecord}},
		{name: "final WAL record cut short (a crash mid-write)", damage: func(t *testing.T, root string) {
			segs := walSegmentsWithRecords(t, logsWAL(root))
			st, _ := os.Stat(segs[newest])
			if err := os.Truncate(segs[newest], st.Size()-50); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal - 100, torn: 1},
		{name: "older WAL segment deleted", damage: func(t *testing.T, root string) {
			if err := os.Remove(walSegmentsWithRecords(t, logsWAL(root))[1]); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal - 200, lost: 200, kinds: []DamageKind{DamageWALGap}},
		{name: "newest WAL segment deleted", damage: func(t *testing.T, root string) {
			if err := os.Remove(walSegmentsWithRecords(t, logsWAL(root))[newest]); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal - 200, uncounted: 1, kinds: []DamageKind{DamageWALGap}},
		{name: "bytes appended to the newest WAL segment", damage: func(t *testing.T, root string) {
			appendToFile(t, walSegmentsWithRecords(t, logsWAL(root))[newest], []byte("appended by hand\n"))
		}, visible: faultTotal, kinds: []DamageKind{DamageWALRecord}},
		{name: "bytes appended to an older WAL segment", damage: func(t *testing.T, root string) {
			appendToFile(t, walSegmentsWithRecords(t, logsWAL(root))[1], []byte("appended by hand\n"))
		}, visible: faultTotal, kinds: []DamageKind{DamageWALRecord}},
		{name: "stray file in wal/", damage: func(t *testing.T, root string) {
			if err := os.WriteFile(filepath.Join(logsWAL(root), "notes.txt"), []byte("ops notes"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal, kinds: []DamageKind{DamageWALStrayFile}},
		{name: "empty directory in splits/", damage: func(t *testing.T, root string) {
			if err := os.Mkdir(filepath.Join(indexDir(root, DefaultIndexID), indexSplitsDir, "restored-by-hand"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal, kinds: []DamageKind{DamageSplit}},
		{name: "columns.bin of a split removed", damage: func(t *testing.T, root string) {
			if err := os.Remove(filepath.Join(splitDirs(t, root, DefaultIndexID)[0], splitDataFile)); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal - 500, lost: 500, kinds: []DamageKind{DamageSplit}},
		{name: "flipped byte in a split's meta.bin", damage: func(t *testing.T, root string) {
			flipByte(t, filepath.Join(splitDirs(t, root, DefaultIndexID)[1], splitMetaFile), 200)
		}, visible: faultTotal - 500, uncounted: 1, kinds: []DamageKind{DamageSplit}},
		{name: "flipped byte in a column chunk (found by a query)", damage: func(t *testing.T, root string) {
			dir := splitDirs(t, root, DefaultIndexID)[0]
			meta, err := ReadSplitMeta(dir)
			if err != nil {
				t.Fatal(err)
			}
			c := meta.Blocks[0].Columns["message"]
			flipByte(t, filepath.Join(dir, splitDataFile), c.Offset+int64(c.Length)/2)
		}, query: "message:done", visible: faultTotal - 500, skipped: true},
		{name: "checkpoint.json damaged", damage: func(t *testing.T, root string) {
			if err := os.WriteFile(filepath.Join(indexDir(root, DefaultIndexID), indexCheckpointFile), []byte(`{"flushed_seq":`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, visible: faultTotal, kinds: []DamageKind{DamageCheckpoint}},
		{name: "index.json damaged, backup intact", damage: func(t *testing.T, root string) {
			truncateHalf(t, filepath.Join(indexDir(root, DefaultIndexID), indexConfigFile))
		}, visible: faultTotal, kinds: []DamageKind{DamageIndexConfig}},
		{name: "index.json damaged, no backup (a store older than backups)", damage: func(t *testing.T, root string) {
			os.Remove(filepath.Join(indexDir(root, DefaultIndexID), indexConfigBackupFile))
			truncateHalf(t, filepath.Join(indexDir(root, DefaultIndexID), indexConfigFile))
		}, unavailable: true},
		{name: "merge marker damaged, its inputs long gone", damage: mergeThenDamageMarker(false),
			visible: faultTotal, kinds: []DamageKind{DamageMergeMarker}},
		{name: "merge marker damaged, a crash left its inputs", damage: mergeThenDamageMarker(true),
			visible: faultTotal, kinds: []DamageKind{DamageMergeMarker}},
	}
}

func truncateHalf(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// mergeThenDamageMarker merges the two splits of logs and flips a byte of
// the merged split's marker. With crashed set, the store is the image a
// crash leaves right after the merged split was published: its inputs are
// still on disk.
func mergeThenDamageMarker(crashed bool) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		opts := faultOptions()
		opts.MergeFactor = 2
		e := openTestEngine(t, root, opts)
		ix, _ := e.lookup(DefaultIndexID)
		image := t.TempDir()
		if crashed {
			ix.merge.hook = func(step mergeStep) {
				if step == mergeStepPublished {
					copyTree(t, root, image)
				}
			}
		}
		if n := mergeAll(t, ix, time.Now()); n != 1 {
			t.Fatalf("%d merges, want 1", n)
		}
		merged := ix.view.splits[0].split.Path()
		e.Close()
		if crashed {
			if err := os.RemoveAll(root); err != nil {
				t.Fatal(err)
			}
			copyTree(t, image, root)
			if n := len(splitDirs(t, root, DefaultIndexID)); n != 3 {
				t.Fatalf("crash image holds %d splits, want the merged one and its 2 inputs", n)
			}
		}
		rel, _ := filepath.Rel(image, merged)
		if !crashed {
			rel, _ = filepath.Rel(root, merged)
		}
		flipByte(t, filepath.Join(root, rel, mergeMarkerFile), 8)
	}
}

// TestFaultScenarios damages the store on disk in each way an operator or
// a failing disk can, reopens it, and checks the damage is contained to
// what is damaged and never silent: the other index is whole, index logs
// opens with everything that was not damaged, what was lost is counted in
// IndexStats, logged and (where a query's answer is partial) warned about,
// and reopening reports nothing new. It writes the fault table of
// docs/operations-faults.md (testdata/fault_table.golden).
func TestFaultScenarios(t *testing.T) {
	base := t.TempDir()
	buildFaultStore(t, base)
	var rows []string
	for _, sc := range faultScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			root := t.TempDir()
			copyTree(t, base, root)
			sc.damage(t, root)
			rows = append(rows, checkFaultScenario(t, root, sc))
		})
	}
	if t.Failed() {
		return
	}
	table := "| Damage | Events no longer searchable | Reported | After Open |\n|---|---|---|---|\n" + strings.Join(rows, "")
	golden := filepath.Join("testdata", "fault_table.golden")
	if *updateFaultTable {
		if err := os.WriteFile(golden, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-fault-table to write it)", err)
	}
	if string(want) != table {
		t.Fatalf("fault table differs from %s (run with -update-fault-table and copy it into README.md's Damaged data section):\n%s", golden, table)
	}
}

func checkFaultScenario(t *testing.T, root string, sc faultScenario) string {
	e, logs := openLogged(t, root, faultOptions())
	defer func() { e.Close() }()
	if res := countAll(t, e, faultOtherIndex, ""); res.Total != faultOtherTotal || len(res.Warnings) != 0 {
		t.Fatalf("index %s: %d events, warnings %v; want all %d, untouched", faultOtherIndex, res.Total, res.Warnings, faultOtherTotal)
	}
	if _, ost, _ := e.DescribeIndex(faultOtherIndex); len(ost.Damage) != 0 {
		t.Fatalf("index %s reports damage %+v", faultOtherIndex, ost.Damage)
	}
	_, st, err := e.DescribeIndex(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.unavailable {
		return checkUnavailable(t, e, st, sc)
	}
	if st.Unavailable != "" {
		t.Fatalf("index logs is unavailable: %s", st.Unavailable)
	}
	res := countAll(t, e, DefaultIndexID, sc.query)
	if res.Total != sc.visible {
		t.Fatalf("%d events visible, want %d (stats %+v)", res.Total, sc.visible, st)
	}
	if sc.query == "" {
		if ids := presentIDs(t, e, DefaultIndexID); int64(len(ids)) != sc.visible {
			t.Fatalf("%d distinct events readable, want %d", len(ids), sc.visible)
		}
	}
	var kinds []DamageKind
	for _, d := range st.Damage {
		kinds = append(kinds, d.Kind)
		if d.Kept != "" {
			if _, err := os.Stat(filepath.Join(indexDir(root, DefaultIndexID), d.Kept)); err != nil {
				t.Fatalf("damage %+v: the kept copy is missing: %v", d, err)
			}
		}
	}
	if !slices.Equal(kinds, sc.kinds) || st.EventsLost != sc.lost || st.UncountedLosses != sc.uncounted || st.WALTornWrites != sc.torn {
		t.Fatalf("damage kinds %v, lost %d, uncounted %d, torn %d; want %v, %d, %d, %d\n%+v",
			kinds, st.EventsLost, st.UncountedLosses, st.WALTornWrites, sc.kinds, sc.lost, sc.uncounted, sc.torn, st.Damage)
	}
	if sc.uncounted == 0 && int64(st.Events)+st.EventsLost != int64(st.LastSeq) {
		t.Fatalf("%d events + %d reported lost != last seq %d: a loss went unreported", st.Events, st.EventsLost, st.LastSeq)
	}
	if n := strings.Count(logs.String(), "stored data was damaged"); n != len(st.Damage) {
		t.Fatalf("%d damage log lines for %d reports:\n%s", n, len(st.Damage), logs)
	}
	if (st.EventsLost > 0 || sc.uncounted > 0 || sc.skipped) && len(res.Warnings) == 0 {
		t.Fatalf("a count missing events says nothing: %+v", res)
	}
	if sc.skipped {
		_, st, _ = e.DescribeIndex(DefaultIndexID)
		if len(res.SkippedSplits) != 1 || st.DamagedReads != 1 || len(st.DamagedSplits) != 1 {
			t.Fatalf("query-time damage: skipped %v, stats %d reads of %v", res.SkippedSplits, st.DamagedReads, st.DamagedSplits)
		}
	}
	// Aggregations say the same as searches; a split set aside at Open is
	// named among the skipped splits like one a query found damaged.
	agg, err := e.Aggregate(context.Background(), AggRequest{Index: DefaultIndexID, Query: sc.query})
	if err != nil || agg.DocCount != res.Total || !slices.Equal(agg.Warnings, res.Warnings) || !slices.Equal(agg.SkippedSplits, res.SkippedSplits) {
		t.Fatalf("aggregate %+v (%v) disagrees with search %d, %v, %v", agg, err, res.Total, res.Warnings, res.SkippedSplits)
	}
	for _, d := range st.Damage {
		if d.Kind == DamageSplit && d.EventsLost != 0 && !slices.Contains(res.SkippedSplits, filepath.Base(d.Kept)) {
			t.Fatalf("quarantined split %s is not among the skipped splits %v", d.Kept, res.SkippedSplits)
		}
	}
	row := faultRow(sc, st, res)
	e.Close()

	// Reopening reports nothing new, loses nothing more, and new events
	// follow every seq already used.
	e, logs = openLogged(t, root, faultOptions())
	_, again, _ := e.DescribeIndex(DefaultIndexID)
	if len(again.Damage) != len(st.Damage) || again.EventsLost != st.EventsLost || strings.Contains(logs.String(), "stored data was damaged") {
		t.Fatalf("second Open reports %+v (first: %+v); log:\n%s", again.Damage, st.Damage, logs)
	}
	ingestDocs(t, e, DefaultIndexID, testDocs(5000, faultBatch))
	e.Close()
	e, _ = openLogged(t, root, faultOptions())
	_, third, _ := e.DescribeIndex(DefaultIndexID)
	if res := countAll(t, e, DefaultIndexID, sc.query); res.Total != sc.visible+faultBatch || len(third.Damage) != len(st.Damage) ||
		third.LastSeq != st.LastSeq+faultBatch {
		t.Fatalf("after ingesting %d more: %d visible, last seq %d (was %d), damage %+v", faultBatch, res.Total, third.LastSeq, st.LastSeq, third.Damage)
	}
	return row
}

func checkUnavailable(t *testing.T, e *Engine, st IndexStats, sc faultScenario) string {
	if st.Unavailable == "" || !strings.Contains(st.Unavailable, indexConfigFile) {
		t.Fatalf("stats %+v: want the index unavailable, naming %s", st, indexConfigFile)
	}
	if !slices.Contains(e.ListIndexes(), DefaultIndexID) {
		t.Fatal("an unavailable index is not listed")
	}
	_, err := e.Ingest(context.Background(), DefaultIndexID, testDocs(5000, 1), IngestOptions{})
	if !errors.Is(err, ErrIndexUnavailable) {
		t.Fatalf("ingest into an unavailable index: %v", err)
	}
	if _, err := e.Search(context.Background(), SearchRequest{Index: DefaultIndexID}); !errors.Is(err, ErrIndexUnavailable) {
		t.Fatalf("search of an unavailable index: %v", err)
	}
	return fmt.Sprintf("| %s | none: the files are untouched | index unavailable: %s | other indexes open; this one refuses ingest and search with the reason until index.json is restored |\n",
		sc.name, "`unavailable` in stats and health, every call names the file")
}

// faultRow renders one line of the fault table from what the engine said.
func faultRow(sc faultScenario, st IndexStats, res SearchResult) string {
	lost := faultTotal - res.Total
	gone := fmt.Sprintf("%d of %d", lost, faultTotal)
	if lost == 0 {
		gone = "none"
	}
	var said []string
	for _, d := range st.Damage {
		n := fmt.Sprint(d.EventsLost)
		if d.EventsLost < 0 {
			n = "uncounted"
		}
		s := fmt.Sprintf("`%s`, events_lost %s", d.Kind, n)
		if d.FirstSeq != 0 {
			s += fmt.Sprintf(" (seqs %d-%d)", d.FirstSeq, d.LastSeq)
		}
		if d.Kept != "" {
			s += ", bytes kept"
		}
		said = append(said, s)
	}
	if st.WALTornWrites > 0 {
		said = append(said, fmt.Sprintf("`wal_torn_writes` %d (not acknowledged in a real crash)", st.WALTornWrites))
	}
	if len(st.Damage) > 0 {
		said = append(said, "error log line")
	}
	if sc.skipped {
		said = append(said, fmt.Sprintf("query `skipped_splits` and warning; `damaged_reads` %d", st.DamagedReads))
	} else if len(res.Warnings) > 0 {
		said = append(said, "query warning")
	}
	after := fmt.Sprintf("opens; %d events searchable", res.Total)
	return fmt.Sprintf("| %s | %s | %s | %s |\n", sc.name, gone, strings.Join(said, "; "), after)
}
