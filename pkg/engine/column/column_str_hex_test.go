package column

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// BenchmarkEncodeTraceIDs encodes a block of 128-bit hex trace ids, the
// column every flush and merge spends most on after the message.
func BenchmarkEncodeTraceIDs(b *testing.B) {
	const rows = 8192
	r := rand.New(rand.NewPCG(1, 2))
	f := &Values{Present: make([]byte, rows/8)}
	for i := range rows {
		f.Present[i>>3] |= 1 << (i & 7)
		f.Vals = append(f.Vals, event.StringValue(fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())))
	}
	f.Kinds = 1 << event.KindString
	enc := ChunkEncoder{DictIndex: map[string]uint32{}}
	b.SetBytes(rows * 32)
	for b.Loop() {
		if _, meta := enc.EncodeField(f, rows); meta.Encoding != encStrHex {
			b.Fatalf("encoding %v, want hex", meta.Encoding)
		}
	}
}

// A borrowed hex column is decoded one row at a time; every row, with all
// rows present or some missing, must read as the copied decode does.
func TestBorrowedHexReadsEveryRow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ids := make([]event.Value, 300)
	for i := range ids {
		ids[i] = event.StringValue(fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()))
	}
	for _, missing := range []int{-1, 0, 150, 299} {
		present := allPresent(len(ids))
		vals := ids
		if missing >= 0 {
			present[missing] = false
			vals = append(append([]event.Value(nil), ids[:missing]...), ids[missing+1:]...)
		}
		raw, meta := columnTestEncode(t, vals, present)
		if meta.Encoding != encStrHex {
			t.Fatalf("encoding %v, want hex", meta.Encoding)
		}
		var copied, borrowed Column
		borrowed.Borrow = true
		if err := DecodeChunk(raw, len(present), &copied); err != nil {
			t.Fatal(err)
		}
		if err := DecodeChunk(raw, len(present), &borrowed); err != nil {
			t.Fatal(err)
		}
		for row := range present {
			a, aOK := copied.Value(row)
			b, bOK := borrowed.Value(row)
			if aOK != bOK || a.Str != b.Str || (aOK && a.Str != ids[row].Str) {
				t.Fatalf("missing %d, row %d: borrowed %q %v, copied %q %v, want %q", missing, row, b.Str, bOK, a.Str, aOK, ids[row].Str)
			}
		}
	}
}
