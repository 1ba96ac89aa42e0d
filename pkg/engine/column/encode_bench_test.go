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
