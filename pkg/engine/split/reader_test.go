package split

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// writeCorruptionSplit writes a small split and returns its path, closed.
func writeCorruptionSplit(t *testing.T) (string, Meta) {
	t.Helper()
	dir := t.TempDir()
	meta, err := writeSplit(dir, fixtureSchema, fixtureEvents(600, 11), Options{BlockRows: 256, GranuleRows: 128})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, meta.ID), meta
}

func TestCorruptChunkIsReported(t *testing.T) {
	path, meta := writeCorruptionSplit(t)
	type target struct {
		block int
		field string
		chunk column.ChunkMeta
	}
	var targets []target
	for b, bm := range meta.Blocks {
		targets = append(targets, target{b, "(timestamp)", bm.Time}, target{b, "(seq)", bm.Seq})
		for name, c := range bm.Columns {
			targets = append(targets, target{b, name, c})
		}
	}
	for _, tg := range targets {
		for _, at := range []int64{0, int64(tg.chunk.Length) / 2, int64(tg.chunk.Length) - 1} {
			flipByte(t, filepath.Join(path, SplitDataFile), tg.chunk.Offset+at)
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var c column.Column
			switch tg.field {
			case "(timestamp)":
				_, err = s.ReadTimestamps(tg.block, &c)
			case "(seq)":
				_, err = s.ReadSeqs(tg.block, &c)
			default:
				err = s.ReadColumn(tg.block, tg.field, &c)
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("block %d field %s byte %d: err = %v, want ErrCorruptSplit", tg.block, tg.field, at, err)
			}
			for _, want := range []string{meta.ID, tg.field} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error %q does not name %q", err, want)
				}
			}
			if _, err := s.ReadEvents(tg.block, nil, nil); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("ReadEvents of a damaged block: err = %v", err)
			}
			// Other blocks stay readable.
			other := (tg.block + 1) % len(meta.Blocks)
			if _, err := s.ReadEvents(other, nil, nil); err != nil {
				t.Fatalf("block %d unreadable after damaging block %d: %v", other, tg.block, err)
			}
			s.Close()
			flipByte(t, filepath.Join(path, SplitDataFile), tg.chunk.Offset+at) // repair
		}
	}
}

func TestCorruptMetaIsReported(t *testing.T) {
	path, _ := writeCorruptionSplit(t)
	metaPath := filepath.Join(path, SplitMetaFile)
	info, err := os.Stat(metaPath)
	if err != nil {
		t.Fatal(err)
	}
	for off := int64(0); off < info.Size(); off += max(1, info.Size()/50) {
		flipByte(t, metaPath, off)
		if _, err := ReadMeta(path); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d: ReadSplitMeta err = %v", off, err)
		}
		if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d: OpenSplit err = %v", off, err)
		}
		flipByte(t, metaPath, off)
	}
	if err := os.Truncate(metaPath, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated meta: err = %v", err)
	}
}

func TestTruncatedDataIsReported(t *testing.T) {
	path, _ := writeCorruptionSplit(t)
	data := filepath.Join(path, SplitDataFile)
	info, _ := os.Stat(data)
	if err := os.Truncate(data, info.Size()-10); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated data: err = %v", err)
	}
}

func TestCorruptTermIndexIsReported(t *testing.T) {
	path, meta := writeCorruptionSplit(t)
	type damage struct {
		name string
		do   func(t *testing.T)
	}
	var damages []damage
	for name := range meta.TermFiles {
		damages = append(damages, damage{"flipped " + name, func(t *testing.T) {
			info, err := os.Stat(filepath.Join(path, SplitTermsDir, name))
			if err != nil {
				t.Fatal(err)
			}
			flipByte(t, filepath.Join(path, SplitTermsDir, name), info.Size()/2)
		}})
	}
	if len(meta.Blooms) == 0 {
		t.Fatal("the split has no bloom filters to damage")
	}
	damages = append(damages, damage{"flipped " + splitBloomFile, func(t *testing.T) {
		flipByte(t, filepath.Join(path, splitBloomFile), 5)
	}})
	damages = append(damages, damage{"removed", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(path, SplitTermsDir)); err != nil {
			t.Fatal(err)
		}
	}})
	for _, d := range damages {
		name, damage := d.name, d.do
		t.Run(name, func(t *testing.T) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.LookupTerm("severity", "error"); err != nil {
				t.Fatalf("lookup before damage: %v", err)
			}
			s.Close()
			damage(t)
			s, err = Open(path)
			if err != nil {
				t.Fatal(err)
			}
			// Lookups must fail, not answer "no match".
			if _, err := s.LookupTerm("severity", "error"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("lookup in a damaged term index: err = %v", err)
			}
		})
		if name != "removed" {
			damage(t) // flipping twice repairs
		}
	}
}

func TestReadColumnAbsentField(t *testing.T) {
	s, _ := splitTestWrite(t, fixtureEvents(10, 12), Options{BlockRows: 16, GranuleRows: 16})
	var c column.Column
	if err := s.ReadColumn(0, "no_such_field", &c); err != nil {
		t.Fatal(err)
	}
	if c.Rows != 10 || c.Kind != event.KindNull {
		t.Fatalf("absent column = %d rows of %s", c.Rows, c.Kind)
	}
	for r := range 10 {
		if c.IsPresent(r) {
			t.Fatalf("row %d present", r)
		}
	}
	if err := s.ReadColumn(1, "message", &c); err == nil {
		t.Fatal("block 1 of a one-block split was accepted")
	}
}

func TestSplitConcurrentReaders(t *testing.T) {
	events := fixtureEvents(2000, 13)
	s, _ := splitTestWrite(t, events, Options{BlockRows: 256, GranuleRows: 256})
	want := sortedFields(events)
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			var c column.Column
			for b := range s.Meta.Blocks {
				blk := (b + w) % len(s.Meta.Blocks)
				if err := s.ReadColumn(blk, "message", &c); err != nil {
					errs <- err
					return
				}
				if got := c.Str(0); got != want[blk*256].Fields[3].Value.Str {
					errs <- fmt.Errorf("block %d row 0 message %q", blk, got)
					return
				}
				if _, err := s.LookupTerm("severity", "error"); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
