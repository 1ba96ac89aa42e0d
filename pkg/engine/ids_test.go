package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// idDocs returns documents numbered from..from+n-1 and their ids ("d<n>").
func idDocs(from, n int) ([][]byte, []string) {
	docs := testDocs(from, n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("d%d", from+i)
	}
	return docs, ids
}

// storedIDs counts the stored events per document id.
func storedIDs(t *testing.T, e *Engine, index string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, ev := range allEvents(t, e, index) {
		v, ok := ev.Get(split.IDField)
		if !ok {
			t.Fatalf("event %d has no %s", ev.Seq, split.IDField)
		}
		out[v.Str]++
	}
	return out
}

func TestIngestIDs(t *testing.T) {
	long := strings.Repeat("x", maxIDBytes+1)
	type call struct {
		docs [][]byte
		ids  []string
		mode IDMode
		// want: accepted, existing positions, rejected "pos:kind" list
		accepted int
		existing []int
		rejected []string
	}
	doc := func(n int) []byte { return testDocs(n, 1)[0] }
	cases := []struct {
		name   string
		calls  []call
		stored map[string]int
	}{
		{"create twice conflicts", []call{
			{[][]byte{doc(1)}, []string{"dup-1"}, IDCreate, 1, nil, nil},
			{[][]byte{doc(1)}, []string{"dup-1"}, IDCreate, 0, nil, []string{"0:conflict"}},
		}, map[string]int{"dup-1": 1}},
		{"index twice is acknowledged once", []call{
			{[][]byte{doc(1)}, []string{"dup-1"}, IDIndex, 1, nil, nil},
			{[][]byte{doc(2)}, []string{"dup-1"}, IDIndex, 0, []int{0}, nil},
		}, map[string]int{"dup-1": 1}},
		{"duplicates inside one batch", []call{
			{[][]byte{doc(1), doc(2), doc(3)}, []string{"a", "b", "a"}, IDIndex, 2, []int{2}, nil},
			{[][]byte{doc(4), doc(5)}, []string{"c", "c"}, IDCreate, 1, nil, []string{"1:conflict"}},
		}, map[string]int{"a": 1, "b": 1, "c": 1}},
		{"documents without ids are always stored", []call{
			{[][]byte{doc(1), doc(2)}, []string{"", "a"}, IDIndex, 2, nil, nil},
			{[][]byte{doc(1), doc(2)}, []string{"", "a"}, IDIndex, 1, []int{1}, nil},
		}, map[string]int{"": 2, "a": 1}},
		{"invalid documents and ids", []call{
			{[][]byte{[]byte(`{"message":"no time"}`), doc(2), doc(3), []byte(`{"timestamp":"2026-01-15T14:00:00Z","_id":"x"}`)},
				[]string{"a", long, "b", "c"}, IDCreate, 1, nil, []string{"0:invalid", "1:invalid", "3:invalid"}},
			{[][]byte{doc(3)}, []string{"a"}, IDCreate, 1, nil, nil}, // a was never stored
		}, map[string]int{"a": 1, "b": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := openTestEngine(t, t.TempDir(), testOptions())
			defer e.Close()
			for i, c := range tc.calls {
				res, err := e.Ingest(context.Background(), "logs", c.docs, IngestOptions{IDs: c.ids, IDMode: c.mode})
				if err != nil {
					t.Fatal(err)
				}
				var rej []string
				for _, r := range res.Rejected {
					rej = append(rej, fmt.Sprintf("%d:%s", r.Position, map[DocErrorKind]string{DocInvalid: "invalid", DocConflict: "conflict"}[r.Kind]))
				}
				if res.Accepted != c.accepted || !slices.Equal(res.Existing, c.existing) || !slices.Equal(rej, c.rejected) {
					t.Fatalf("call %d: accepted %d existing %v rejected %v (%+v), want %d %v %v", i, res.Accepted, res.Existing, rej, res.Rejected, c.accepted, c.existing, c.rejected)
				}
			}
			e.commitAll()
			got := map[string]int{}
			for _, ev := range allEvents(t, e, "logs") {
				v, _ := ev.Get(split.IDField)
				got[v.Str]++
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.stored) {
				t.Fatalf("stored ids %v, want %v", got, tc.stored)
			}
		})
	}
}

func TestIngestIDErrorsNameTheProblem(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	res, err := e.Ingest(context.Background(), "logs", [][]byte{[]byte(`{"timestamp":"2026-01-15T14:00:00Z","_id":"x"}`)}, IngestOptions{})
	if err != nil || len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Reason, "reserved for the document id") {
		t.Fatalf("document holding _id: %+v, %v", res, err)
	}
	docs, ids := idDocs(0, 2)
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids[:1]}); err == nil || !strings.Contains(err.Error(), "1 document ids for 2 documents") {
		t.Fatalf("mismatched ids: %v", err)
	}
	if _, err := ParseIndexConfig([]byte(`{"index_id":"x","doc_mapping":{"timestamp_field":"t","field_mappings":[{"name":"t","type":"datetime"},{"name":"_id","type":"text"}]}}`)); err == nil || !strings.Contains(err.Error(), "reserved for document ids") {
		t.Fatalf("mapping declaring _id: %v", err)
	}
}

// TestIDsSurviveFlushMergeAndRestart retries batches after each way ids
// can move: into a split, through a merge, through a restart with the ids
// only in the WAL, and through a restart with them in splits.
func TestIDsSurviveFlushMergeAndRestart(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	defer func() { e.Close() }()
	ingest := func(from, n int, wantAccepted int) {
		t.Helper()
		docs, ids := idDocs(from, n)
		res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids, Commit: CommitForce})
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted != wantAccepted || res.Accepted+len(res.Existing) != n {
			t.Fatalf("ingest %d..%d: accepted %d existing %d, want %d accepted", from, from+n, res.Accepted, len(res.Existing), wantAccepted)
		}
	}
	check := func(stage string, distinct int) {
		t.Helper()
		counts := storedIDs(t, e, "logs")
		if len(counts) != distinct {
			t.Fatalf("%s: %d distinct ids stored, want %d", stage, len(counts), distinct)
		}
		for id, n := range counts {
			if n != 1 {
				t.Fatalf("%s: id %s stored %d times", stage, id, n)
			}
		}
	}
	ingest(0, 100, 100)
	ingest(0, 100, 0) // in the head
	if err := e.Flush("logs"); err != nil {
		t.Fatal(err)
	}
	ingest(50, 100, 50) // half in a split
	if err := e.Flush("logs"); err != nil {
		t.Fatal(err)
	}
	ix, _ := e.lookup("logs")
	if merged, err := ix.mergeSplits2(); err != nil || !merged {
		t.Fatalf("merge: %v %v", merged, err)
	}
	ingest(0, 200, 50) // 0..149 in the merged split
	check("after merge", 200)
	e.Close()
	e = openTestEngine(t, dir, testOptions()) // 150..199 come back from the WAL
	ingest(100, 150, 50)
	check("after restart", 250)
	if err := e.Flush("logs"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	e = openTestEngine(t, dir, testOptions())
	ingest(0, 300, 50)
	check("after restart from splits", 300)
}

// mergeSplits2 merges every split of the index into one, whatever the policy.
func (ix *indexState) mergeSplits2() (bool, error) {
	inputs := ix.acquireSplits()
	defer releaseSplitRefs(inputs)
	if len(inputs) < 2 {
		return false, nil
	}
	return true, ix.mergeSplits(context.Background(), inputs)
}

// TestConcurrentIngestWithIDsStoresEachIDOnce races callers resending
// overlapping batches against flushes, as Fluent Bit workers retrying a
// chunk do.
func TestConcurrentIngestWithIDsStoresEachIDOnce(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	const ids, callers, calls = 600, 4, 30
	var wg, flusher sync.WaitGroup
	stop := make(chan struct{})
	flushes := 0
	flusher.Add(1)
	go func() {
		defer flusher.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				if err := e.Flush("logs"); err != nil {
					t.Error(err)
				}
				flushes++
			}
		}
	}()
	for g := 0; g < callers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for c := 0; c < calls; c++ {
				from := r.IntN(ids - 100)
				docs, batchIDs := idDocs(from, 100)
				mode := IDMode(r.IntN(2))
				res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: batchIDs, IDMode: mode})
				if err != nil {
					t.Error(err)
					return
				}
				if res.Accepted+len(res.Existing)+len(res.Rejected) != 100 {
					t.Errorf("call: %d accepted, %d existing, %d rejected of 100", res.Accepted, len(res.Existing), len(res.Rejected))
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	flusher.Wait()
	if flushes == 0 {
		t.Fatal("no flush ran during the ingest calls")
	}
	e.commitAll()
	for id, n := range storedIDs(t, e, "logs") {
		if n != 1 {
			t.Fatalf("id %s stored %d times", id, n)
		}
	}
}

// TestFlushBetweenCheckAndCommit: a retry checks the splits while its id
// is still in the head; a flush then moves the id into a split. The flush
// must wait for the retry's commit, or the id is in neither place the
// retry looked and is stored twice.
func TestFlushBetweenCheckAndCommit(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	docs, ids := idDocs(0, 10)
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids}); err != nil {
		t.Fatal(err)
	}
	ix, _ := e.lookup("logs")
	flushed := make(chan error, 1)
	var flushErr error
	flushDone := false
	ix.ids.afterSplitCheck = func() {
		ix.ids.afterSplitCheck = nil
		go func() { flushed <- e.Flush("logs") }()
		// Unsynchronised, the flush finishes here; synchronised, it waits
		// for this call's commit.
		select {
		case flushErr = <-flushed:
			flushDone = true
		case <-time.After(2 * time.Second):
		}
	}
	res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if !flushDone {
		flushErr = <-flushed
	}
	if flushErr != nil {
		t.Fatal(flushErr)
	}
	e.commitAll()
	if counts := storedIDs(t, e, "logs"); len(counts) != 10 || res.Accepted != 0 {
		t.Fatalf("retry accepted %d; stored %v", res.Accepted, counts)
	}
	for id, n := range storedIDs(t, e, "logs") {
		if n != 1 {
			t.Fatalf("id %s stored %d times", id, n)
		}
	}
}

// TestFailedCommitReleasesIDs: a batch whose WAL write failed was not
// stored, so its retry must be stored, not answered as existing.
func TestFailedCommitReleasesIDs(t *testing.T) {
	disk := &faultyDisk{}
	opts := testOptions()
	opts.walOpen = disk.open
	e := openTestEngine(t, t.TempDir(), opts)
	defer e.Close()
	docs, ids := idDocs(0, 10)
	disk.full.Store(true)
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("ingest on a full disk: %v", err)
	}
	disk.full.Store(false)
	res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids})
	if err != nil || res.Accepted != 10 {
		t.Fatalf("retry after the failure: %+v, %v", res, err)
	}
}

func TestIDSearchable(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	docs, ids := idDocs(0, 3)
	ids[1] = "Key-With.Dots"
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids, Commit: CommitForce}); err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"head", "split"} {
		if stage == "split" {
			if err := e.Flush("logs"); err != nil {
				t.Fatal(err)
			}
		}
		res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: `_id:Key-With.Dots`, CountTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 {
			t.Fatalf("%s: _id query found %d", stage, res.Total)
		}
		if v, _ := res.Hits[0].Event.Get(split.IDField); v.Str != "Key-With.Dots" {
			t.Fatalf("%s: hit carries %s %q", stage, split.IDField, v.Str)
		}
		fields, err := e.Fields("logs")
		if err != nil || !slices.ContainsFunc(fields, func(f FieldInfo) bool { return f.Name == split.IDField && f.Type == TypeText }) {
			t.Fatalf("%s: fields %+v do not list %s, %v", stage, fields, split.IDField, err)
		}
	}
}

func TestIDFilter(t *testing.T) {
	const n = 100_000
	hashes := make([]uint64, n)
	for i := range hashes {
		hashes[i] = split.IDHash(fmt.Sprintf("id-%d", i))
	}
	f, err := split.ParseIDFilter(split.AppendIDFilter(nil, hashes))
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hashes {
		if !f.MayContain(h) {
			t.Fatalf("id-%d: false negative", i)
		}
	}
	fp := 0
	for i := 0; i < n; i++ {
		if f.MayContain(split.IDHash(fmt.Sprintf("other-%d", i))) {
			fp++
		}
	}
	if rate := float64(fp) / n; rate > 0.003 {
		t.Fatalf("false positive rate %.4f, want under 0.3%%", rate)
	}
	t.Logf("false positive rate %.4f%% at %d bits per id", 100*float64(fp)/n, split.IDFilterBitsPerID)
}

func TestDamagedIDFilterIsReported(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	docs, ids := idDocs(0, 10)
	if _, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids}); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush("logs"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "indexes", "logs", "splits", "*", split.SplitIDFile))
	if len(files) != 1 {
		t.Fatalf("id filter files: %v", files)
	}
	b, _ := os.ReadFile(files[0])
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	_, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{IDs: ids})
	if !errors.Is(err, split.ErrCorrupt) || !strings.Contains(err.Error(), "id filter") {
		t.Fatalf("ingest against a damaged id filter: %v", err)
	}
}

// FuzzParseIDFilter: any bytes either parse into a filter that answers
// without panicking or are refused.
func FuzzParseIDFilter(f *testing.F) {
	f.Add(split.AppendIDFilter(nil, []uint64{1, 2, 3}))
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		flt, err := split.ParseIDFilter(b)
		if err != nil {
			return
		}
		for _, id := range []string{"", "a", "dup-1"} {
			flt.MayContain(split.IDHash(id))
		}
	})
}
