package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestWALBytesAndReady(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	empty, err := e.WALBytes(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for i := range 100 {
		docs = append(docs, []byte(fmt.Sprintf(`{"timestamp":"2026-01-15T14:00:%02dZ","message":"event %d with some text"}`, i%60, i)))
	}
	if _, err := e.Ingest(context.Background(), DefaultIndexID, docs, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	full, err := e.WALBytes(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	if full <= empty+int64(len(docs)*40) {
		t.Errorf("WAL grew from %d to %d bytes after 100 events, want at least their size", empty, full)
	}
	if _, err := e.WALBytes("nosuch"); !errors.Is(err, ErrIndexNotFound) {
		t.Errorf("WALBytes of a missing index = %v, want ErrIndexNotFound", err)
	}
	if err := e.Ready(); err != nil {
		t.Errorf("Ready on an open store = %v", err)
	}
	if os.Getuid() != 0 { // root writes into read-only directories
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		if err := e.Ready(); err == nil {
			t.Error("Ready on a read-only store directory = nil, want an error")
		}
		_ = os.Chmod(dir, 0o755)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Ready(); !errors.Is(err, ErrClosed) {
		t.Errorf("Ready after Close = %v, want ErrClosed", err)
	}
}
