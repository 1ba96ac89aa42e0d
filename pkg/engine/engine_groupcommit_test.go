package engine

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// gatedDisk hands out WAL files whose next Write, once armed, announces
// itself on entered and waits for gate: it holds the committer mid-write.
type gatedDisk struct {
	armed   atomic.Bool
	entered chan struct{}
	gate    chan struct{}
}

type gatedFile struct {
	*os.File
	disk *gatedDisk
}

func (d *gatedDisk) open(path string) (wal.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	return &gatedFile{File: f, disk: d}, err
}

func (f *gatedFile) Write(p []byte) (int, error) {
	if f.disk.armed.CompareAndSwap(true, false) {
		f.disk.entered <- struct{}{}
		<-f.disk.gate
	}
	return f.File.Write(p)
}

// TestGroupCommit holds the committer inside one WAL write while eight
// callers queue up, then checks that their batches went to the WAL as a
// single record (one fsync) and that every caller was acknowledged.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	disk := &gatedDisk{entered: make(chan struct{}), gate: make(chan struct{})}
	opts := testOptions()
	opts.walOpen = disk.open
	e := openTestEngine(t, dir, opts)
	defer e.Close()
	ix, _ := e.lookup("logs")
	ctx := context.Background()

	disk.armed.Store(true)
	first := make(chan error)
	go func() {
		_, err := e.Ingest(ctx, "logs", testDocs(0, 10), IngestOptions{})
		first <- err
	}()
	<-disk.entered // the committer is now stuck writing the first batch
	const callers = 8
	var wg sync.WaitGroup
	for c := 1; c <= callers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Ingest(ctx, "logs", testDocs(c*10, 10), IngestOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	for len(ix.reqs) < callers {
		time.Sleep(time.Millisecond) // waiting for the callers to queue, not timing them
	}
	close(disk.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	var records []int
	if _, err := wal.Replay(filepath.Join(indexDir(dir, "logs"), indexWALDir), testReplayEnv(indexDir(dir, "logs")), func(events []event.Event) {
		records = append(records, len(events))
	}); err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || records[0] != 10 || records[1] != callers*10 {
		t.Fatalf("WAL records hold %v events, want [10 %d]", records, callers*10)
	}
}
