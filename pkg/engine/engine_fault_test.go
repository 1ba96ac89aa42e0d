package engine

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/wal"
)

// faultyDisk hands out WAL files that fail with ENOSPC while full is set,
// after writing half of what they were given, as a full disk does.
type faultyDisk struct{ full atomic.Bool }

type faultyFile struct {
	*os.File
	disk *faultyDisk
}

func (d *faultyDisk) open(path string) (wal.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &faultyFile{File: f, disk: d}, nil
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.disk.full.Load() {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

func TestEngineDiskFullFailsIngestCleanly(t *testing.T) {
	dir := t.TempDir()
	disk := &faultyDisk{}
	opts := testOptions()
	opts.walOpen = disk.open
	e := openTestEngine(t, dir, opts)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := e.Ingest(ctx, "logs", testDocs(i*10, 10), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	disk.full.Store(true)
	// Concurrent callers sharing the failed group commit all see the error.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[g] = e.Ingest(ctx, "logs", testDocs(1000+g*10, 10), IngestOptions{Commit: CommitForce})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("ingest on a full disk: %v, want ENOSPC", err)
		}
	}
	if e.buffered.Load() == 0 {
		t.Fatal("buffer accounting lost the acknowledged events")
	}
	disk.full.Store(false)
	if _, err := e.Ingest(ctx, "logs", testDocs(30, 10), IngestOptions{}); err != nil {
		t.Fatalf("ingest after space came back: %v", err)
	}
	e.commitAll()
	check := func(e *Engine) {
		counts := idCounts(t, allEvents(t, e, "logs"))
		if len(counts) != 40 {
			t.Fatalf("%d events stored, want the 40 acknowledged", len(counts))
		}
		for id, n := range counts {
			if id >= 1000 || n != 1 {
				t.Fatalf("event %d stored %d times", id, n)
			}
		}
	}
	check(e)
	e.Close()
	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	check(e)
}
