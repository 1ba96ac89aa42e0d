package split

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// splitMetaSeeds are the metadata files of small real splits.
func splitMetaSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for i, events := range [][]event.Event{fixtureEvents(3, 1), termTestEvents(40, 2)} {
		dir := t.TempDir()
		meta, err := writeSplit(dir, fixtureSchema, events, Options{BlockRows: 16, GranuleRows: 8})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, meta.ID, SplitMetaFile))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
		if i == 0 {
			out = append(out, b[:len(b)/2])
		}
	}
	return out
}

var writeFuzzSeeds = flag.Bool("write-fuzz-seeds", false, "rewrite the committed seed corpora under testdata/fuzz")

// TestWriteFuzzSeeds rewrites FuzzDecodeSplitMeta's committed seed corpus
// from the split writer (go test -run TestWriteFuzzSeeds -write-fuzz-seeds),
// so seeds follow format changes.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeFuzzSeeds {
		t.Skip("pass -write-fuzz-seeds to rewrite testdata/fuzz")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeSplitMeta")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range splitMetaSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDecodeSplitMeta: no metadata file may panic the decoder; a decoded
// one re-encodes to metadata that decodes to the same value.
func FuzzDecodeSplitMeta(f *testing.F) {
	// The committed corpus holds real metadata files (splitMetaSeeds); this
	// seed is built by hand so the target starts without writing splits.
	seed, err := encodeSplitMeta(&Meta{Version: splitMetaVersion, ID: "s", Rows: 2, GranuleRows: 1,
		Fields: map[string]FieldMeta{"f": {Kinds: []event.Kind{event.KindFloat64}, Bounds: []column.Bounds{{Kind: event.KindFloat64, MinFloat: column.JSONFloat(math.Inf(-1)), MaxFloat: 2}}}},
		Blocks: []BlockMeta{{Rows: 2, Columns: map[string]column.ChunkMeta{"f": {Offset: 3, Length: 4, Present: 1}}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeSplitMeta(data)
		if err != nil {
			return
		}
		b, err := encodeSplitMeta(&m)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		m2, err := decodeSplitMeta(b)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("re-decode: %v", err)
		}
	})
}
