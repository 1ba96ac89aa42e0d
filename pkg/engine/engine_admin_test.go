package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestStoreLockRefusesASecondOpen(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	if _, err := Open(dir, testOptions()); !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("second Open = %v, want ErrStoreLocked", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := openTestEngine(t, dir, testOptions())
	if err := e2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFlushWritesEverythingToSplits(t *testing.T) {
	dir := t.TempDir()
	var syncs atomic.Int64
	opts := testOptions()
	opts.OnWALSync = func(d time.Duration) {
		if d >= 0 {
			syncs.Add(1)
		}
	}
	e := openTestEngine(t, dir, opts)
	defer e.Close()
	for i := 0; i < 3; i++ {
		if _, err := e.Ingest(context.Background(), DefaultIndexID, testDocs(i*100, 100), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if syncs.Load() == 0 {
		t.Fatal("OnWALSync was never called although every Ingest fsyncs")
	}
	if err := e.Flush(DefaultIndexID); err != nil {
		t.Fatal(err)
	}
	_, st, err := e.DescribeIndex(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	if st.HeadEvents != 0 || st.Splits == 0 || st.Events != 300 {
		t.Fatalf("after Flush: %+v, want 300 events all in splits", st)
	}
	if err := e.Flush("nope"); !errors.Is(err, ErrIndexNotFound) {
		t.Fatalf("Flush of an unknown index = %v, want ErrIndexNotFound", err)
	}
}

func TestCorruptSplitIsSetAsideAtOpen(t *testing.T) {
	dir := t.TempDir()
	e := openTestEngine(t, dir, testOptions())
	for i := 0; i < 2; i++ {
		if _, err := e.Ingest(context.Background(), DefaultIndexID, testDocs(i*50, 50), IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := e.Flush(DefaultIndexID); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	splits, err := filepath.Glob(filepath.Join(indexDir(dir, DefaultIndexID), indexSplitsDir, "*", "meta.bin"))
	if err != nil || len(splits) != 2 {
		t.Fatalf("found splits %v (%v), want 2", splits, err)
	}
	raw, err := os.ReadFile(splits[0])
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	if err := os.WriteFile(splits[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}

	e = openTestEngine(t, dir, testOptions())
	defer e.Close()
	_, st, err := e.DescribeIndex(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Splits != 1 || len(st.CorruptSplits) != 1 || st.CorruptSplits[0] != filepath.Base(filepath.Dir(splits[0])) {
		t.Fatalf("stats %+v, want one split served and the damaged one reported", st)
	}
	if st.Events != 50 {
		t.Fatalf("the intact split holds %d events, want 50", st.Events)
	}
}
