package engine

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// The fault store is what every damage scenario starts from:
//
//	logs:  ids 0-999 in two splits of 500, ids 1000-1999 in the WAL as ten
//	       records of 100 events (seqs 1001-2000), two records per segment
//	other: ids 0-199 in a split, ids 200-499 in the WAL
//
// Every event was acknowledged, so anything missing after damage is loss.
const (
	faultSplitEvents = 1000
	faultWALRecords  = 10
	faultBatch       = 100
	faultTotal       = faultSplitEvents + faultWALRecords*faultBatch
	faultOtherTotal  = 500
	faultOtherIndex  = "other"
	// faultSegmentBytes holds two of the store's WAL records per segment.
	faultSegmentBytes = 16 << 10
)

func faultOptions() Options {
	o := testOptions()
	o.WALSegmentBytes = faultSegmentBytes
	return o
}

func ingestDocs(t testing.TB, e *Engine, index string, docs [][]byte) {
	t.Helper()
	if _, err := e.Ingest(context.Background(), index, docs, IngestOptions{}); err != nil {
		t.Fatalf("ingest into %s: %v", index, err)
	}
}

func buildFaultStore(t testing.TB, dir string) {
	t.Helper()
	e := openTestEngine(t, dir, faultOptions())
	other := DefaultIndexConfig()
	other.IndexID = faultOtherIndex
	if err := e.CreateIndex(other); err != nil {
		t.Fatal(err)
	}
	ix, _ := e.lookup(DefaultIndexID)
	flushDocs(t, e, ix, 0, 500)
	flushDocs(t, e, ix, 500, 500)
	for b := 0; b < faultWALRecords; b++ {
		ingestDocs(t, e, DefaultIndexID, testDocs(faultSplitEvents+b*faultBatch, faultBatch))
	}
	ingestDocs(t, e, faultOtherIndex, testDocs(0, 200))
	if err := e.Flush(faultOtherIndex); err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 3; b++ {
		ingestDocs(t, e, faultOtherIndex, testDocs(200+b*faultBatch, faultBatch))
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	segs := walSegmentsWithRecords(t, filepath.Join(indexDir(dir, DefaultIndexID), indexWALDir))
	if len(segs) != faultWALRecords/2 {
		t.Fatalf("fault store WAL: %d segments with records, want %d of two records each", len(segs), faultWALRecords/2)
	}
	for _, s := range segs {
		if n := len(walFrameOffsets(t, s)); n != 2 {
			t.Fatalf("fault store WAL segment %s holds %d records, want 2", s, n)
		}
	}
}

// walSegmentsWithRecords lists the non-empty segments of a WAL directory
// in write order.
func walSegmentsWithRecords(t testing.TB, walDir string) []string {
	t.Helper()
	nums, _, err := wal.ListDir(walDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range nums {
		p := wal.SegmentPath(walDir, n)
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			out = append(out, p)
		}
	}
	return out
}

// walFrameOffsets returns the offset of each record of an intact segment.
func walFrameOffsets(t testing.TB, path string) []int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	for off := 0; off < len(data); {
		_, size, err := wal.ReadFrame(data[off:])
		if err != nil {
			t.Fatalf("segment %s offset %d: %v", path, off, err)
		}
		offs = append(offs, int64(off))
		off += size
	}
	return offs
}

// logBuffer collects what the engine logs, safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func openLogged(t testing.TB, dir string, opts Options) (*Engine, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	return openTestEngine(t, dir, opts), logs
}

// countAll is a match-all count over every split and the head, with what
// the engine said it skipped.
func countAll(t testing.TB, e *Engine, index, query string) SearchResult {
	t.Helper()
	e.commitAll()
	res, err := e.Search(context.Background(), SearchRequest{Index: index, Query: query, Limit: 1, CountTotal: true})
	if err != nil {
		t.Fatalf("count %s: %v", index, err)
	}
	return res
}

// presentIDs returns the sorted ids of every visible event, failing on a
// duplicate.
func presentIDs(t testing.TB, e *Engine, index string) []int64 {
	t.Helper()
	e.commitAll()
	counts := idCounts(t, allEvents(t, e, index))
	ids := make([]int64, 0, len(counts))
	for id, n := range counts {
		if n != 1 {
			t.Fatalf("index %s: event %d is visible %d times", index, id, n)
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func appendToFile(t testing.TB, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
}

// splitDirs returns an index's split directories, oldest first.
func splitDirs(t testing.TB, root, index string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(indexDir(root, index), indexSplitsDir, "*", split.SplitMetaFile))
	if err != nil {
		t.Fatal(err)
	}
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	sort.Strings(dirs) // split ids start with their first timestamp
	return dirs
}
