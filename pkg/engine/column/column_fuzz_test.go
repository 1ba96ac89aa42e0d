package column

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

var writeFuzzSeeds = flag.Bool("write-fuzz-seeds", false, "rewrite the committed seed corpora under testdata/fuzz")

// columnSeedChunks are valid chunks of every encoding, the decoder fuzz seeds.
func columnSeedChunks(t testing.TB) [][]byte {
	sets := [][]event.Value{
		{event.Int64Value(math.MinInt64), event.Int64Value(3), event.Int64Value(math.MaxInt64)},
		{event.Uint64Value(1), event.Uint64Value(math.MaxUint64)},
		{event.Float64Value(1.25), event.Float64Value(-3.5)},
		{event.Float64Value(math.NaN()), event.Float64Value(math.Inf(1))},
		{event.BoolValue(true), event.BoolValue(false), event.BoolValue(true)},
		{event.StringValue("a"), event.StringValue("a"), event.StringValue("a"), event.StringValue("b"), event.StringValue("a"), event.StringValue("a"), event.StringValue("a"), event.StringValue("a")},
		{event.StringValue("plain ☃"), event.StringValue("text")},
		{event.StringValue("0123456789abcdef"), event.StringValue("fedcba9876543210")},
		{event.StringValue("user-0000042"), event.StringValue("user-0369614"), event.StringValue("user-0999999")},
		{event.Value{Kind: event.KindNull}},
		{event.Int64Value(200), event.StringValue("OK"), event.TimeNanosValue(5)},
	}
	var out [][]byte
	for _, vals := range sets {
		raw, _ := columnTestEncode(t, vals, allPresent(len(vals)))
		out = append(out, raw)
		present := append(append([]bool{false}, allPresent(len(vals))...), false)
		raw, _ = columnTestEncode(t, vals, present)
		out = append(out, raw)
	}
	var e ChunkEncoder
	out = append(out, append([]byte(nil), e.EncodeInts([]int64{1e18, 1e18 + 7, 1e18 + 3}, event.KindTime)...))
	return out
}

// FuzzDecodeChunk: no input may panic the chunk decoder (header, presence
// bitmap and every body decoder), and a decoded chunk must be self-consistent.
func FuzzDecodeChunk(f *testing.F) {
	for _, seed := range columnSeedChunks(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The block's row count comes from metadata; take the header's claim
		// if it is small, as a reader would find it in valid metadata.
		var c Column
		rows := 0
		if len(data) > 2 {
			if r, n := binary.Uvarint(data[2:]); n > 0 && r < 1<<16 {
				rows = int(r)
			}
		}
		if err := DecodeChunk(data, rows, &c); err != nil {
			return
		}
		for r := 0; r < c.Rows; r++ {
			c.Value(r)
			c.Str(r)
		}
		// Decoding only some rows of a chunk that decodes whole gives those
		// rows the same values.
		only := everyThirdRow(c.Rows)
		sparse := Column{Borrow: true, Only: only}
		if err := DecodeChunk(data, rows, &sparse); err != nil {
			t.Fatalf("decodes whole but not rows %v: %v", only, err)
		}
		for _, r := range only {
			a, aOK := c.Value(r)
			b, bOK := sparse.Value(r)
			if aOK != bOK || (aOK && !sameValue(a, b)) {
				t.Fatalf("row %d: %+v (%v) decoded alone, %+v (%v) whole", r, b, bOK, a, aOK)
			}
		}
	})
}

// everyThirdRow is the rows a sparse decode asks for in the tests: every
// third row from the second, and the last.
func everyThirdRow(rows int) []int {
	only := []int{}
	for r := 1; r < rows; r += 3 {
		only = append(only, r)
	}
	if rows > 0 && (rows-1)%3 != 1 {
		only = append(only, rows-1)
	}
	return only
}

// fuzzValues derives a column of values (and presence) from fuzz bytes.
func fuzzValues(data []byte) ([]event.Value, []bool) {
	var vals []event.Value
	var present []bool
	for len(data) >= 9 {
		kindByte, word := data[0], binary.LittleEndian.Uint64(data[1:9])
		data = data[9:]
		if kindByte&0x80 != 0 {
			present = append(present, false)
			continue
		}
		present = append(present, true)
		switch event.Kind(kindByte % 8) {
		case event.KindNull:
			vals = append(vals, event.Value{Kind: event.KindNull})
		case event.KindString:
			n := min(int(word%32), len(data))
			vals = append(vals, event.StringValue(string(data[:n])))
			data = data[n:]
		case event.KindInt64:
			vals = append(vals, event.Int64Value(int64(word)))
		case event.KindUint64:
			vals = append(vals, event.Uint64Value(word))
		case event.KindFloat64:
			vals = append(vals, event.Float64Value(math.Float64frombits(word)))
		case event.KindBool:
			vals = append(vals, event.BoolValue(word&1 == 1))
		case event.KindTime:
			vals = append(vals, event.TimeNanosValue(int64(word)))
		case event.KindIP:
			vals = append(vals, event.IPValue(fmt.Sprintf("10.%d.%d.%d", byte(word>>16), byte(word>>8), byte(word))))
		}
	}
	return vals, present
}

// columnRoundTripSeeds: ints, a string with an absent row, NaN/Inf/-0 floats.
var columnRoundTripSeeds = [][]byte{
	[]byte("\x02\x05\x00\x00\x00\x00\x00\x00\x00\x02\x07\x00\x00\x00\x00\x00\x00\x00"),
	[]byte("\x01\x03\x00\x00\x00\x00\x00\x00\x00abc\x81\x00\x00\x00\x00\x00\x00\x00\x00\x05\x01\x00\x00\x00\x00\x00\x00\x00"),
	[]byte("\x04\x00\x00\x00\x00\x00\x00\xf8\x7f\x04\x00\x00\x00\x00\x00\x00\xf0\x7f\x04\x00\x00\x00\x00\x00\x00\x00\x80"),
	// prefixed ids, one row absent: u-042, u-900, u-007
	[]byte("\x01\x05\x00\x00\x00\x00\x00\x00\x00u-042\x01\x05\x00\x00\x00\x00\x00\x00\x00u-900\x81\x00\x00\x00\x00\x00\x00\x00\x00\x01\x05\x00\x00\x00\x00\x00\x00\x00u-007"),
}

// FuzzColumnRoundTrip: any column the writer can be given decodes back to
// the same values.
func FuzzColumnRoundTrip(f *testing.F) {
	for _, seed := range columnRoundTripSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, present := fuzzValues(data)
		if len(vals) == 0 {
			return
		}
		raw, meta := columnTestEncode(t, vals, present)
		var c Column
		if err := DecodeChunk(raw, len(present), &c); err != nil {
			t.Fatalf("%s chunk of %v does not decode: %v", meta.Encoding, vals, err)
		}
		// A borrowed decode (search hits) reads the same values.
		borrowed := Column{Borrow: true}
		if err := DecodeChunk(raw, len(present), &borrowed); err != nil {
			t.Fatalf("%s chunk of %v does not decode borrowed: %v", meta.Encoding, vals, err)
		}
		for r := range present {
			a, aOK := c.Value(r)
			b, bOK := borrowed.Value(r)
			if aOK != bOK || (aOK && !sameValue(a, b) && !(math.IsNaN(a.Float()) && math.IsNaN(b.Float()))) {
				t.Fatalf("%s row %d: borrowed %+v (%v), copied %+v (%v)", meta.Encoding, r, b, bOK, a, aOK)
			}
		}
		// So does a decode of only some rows (search hits).
		sparse := Column{Borrow: true, Only: everyThirdRow(len(present))}
		if err := DecodeChunk(raw, len(present), &sparse); err != nil {
			t.Fatalf("%s chunk of %v does not decode sparse: %v", meta.Encoding, vals, err)
		}
		for _, r := range sparse.Only {
			a, aOK := c.Value(r)
			b, bOK := sparse.Value(r)
			if aOK != bOK || (aOK && !sameValue(a, b) && !(math.IsNaN(a.Float()) && math.IsNaN(b.Float()))) {
				t.Fatalf("%s row %d: decoded alone %+v (%v), whole %+v (%v)", meta.Encoding, r, b, bOK, a, aOK)
			}
		}
		k := 0
		for r, ok := range present {
			got, gotOK := c.Value(r)
			if gotOK != ok {
				t.Fatalf("row %d present = %v, want %v", r, gotOK, ok)
			}
			if ok {
				if !sameValue(got, vals[k]) && !(vals[k].Kind == event.KindFloat64 && meta.Encoding == encMixed && math.IsNaN(vals[k].Float()) && math.IsNaN(got.Float())) {
					t.Fatalf("%s row %d = %+v, want %+v", meta.Encoding, r, got, vals[k])
				}
				k++
			}
		}
	})
}

// TestWriteFuzzSeeds rewrites the committed column seed corpora from the encoders
// (go test -run TestWriteFuzzSeeds -write-fuzz-seeds), so seeds follow
// format changes.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeFuzzSeeds {
		t.Skip("pass -write-fuzz-seeds to rewrite testdata/fuzz")
	}
	write := func(target string, seeds [][]byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzDecodeChunk", columnSeedChunks(t))
	write("FuzzColumnRoundTrip", columnRoundTripSeeds)
}
