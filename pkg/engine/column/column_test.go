package column

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// columnTestEncode encodes vals (nil entries of present = absent rows) as
// one chunk, the way the block builder does, and returns the raw chunk.
func columnTestEncode(t testing.TB, vals []event.Value, present []bool) ([]byte, ChunkMeta) {
	t.Helper()
	f := &Values{Present: make([]byte, (len(present)+7)/8)}
	for r, ok := range present {
		if ok {
			f.Present[r>>3] |= 1 << (r & 7)
			f.Vals = append(f.Vals, vals[len(f.Vals)])
			f.Kinds |= 1 << f.Vals[len(f.Vals)-1].Kind
		}
	}
	enc := ChunkEncoder{DictIndex: map[string]uint32{}}
	raw, meta := enc.EncodeField(f, len(present))
	return append([]byte(nil), raw...), meta
}

func allPresent(n int) []bool {
	p := make([]bool, n)
	for i := range p {
		p[i] = true
	}
	return p
}

func repeatValues(n int, f func(i int) event.Value) []event.Value {
	out := make([]event.Value, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestColumnRoundTrip(t *testing.T) {
	huge := strings.Repeat("ünïcödé ☃ ", 20000)
	cases := []struct {
		name    string
		vals    []event.Value
		present []bool // nil = all present
		want    Encoding
	}{
		{"one int", []event.Value{event.Int64Value(42)}, nil, encIntFOR},
		{"int extremes", []event.Value{event.Int64Value(math.MinInt64), event.Int64Value(math.MaxInt64), event.Int64Value(0), event.Int64Value(-1)}, nil, encIntFOR},
		{"equal ints", repeatValues(100, func(int) event.Value { return event.Int64Value(200) }), nil, encIntFOR},
		{"times", repeatValues(50, func(i int) event.Value { return event.TimeNanosValue(int64(i) * 1e9) }), nil, encIntFOR},
		{"uint extremes", []event.Value{event.Uint64Value(0), event.Uint64Value(math.MaxUint64), event.Uint64Value(7)}, nil, encUintFOR},
		{"decimal floats", []event.Value{event.Float64Value(123.45), event.Float64Value(0.5), event.Float64Value(-7), event.Float64Value(1e6)}, nil, encFloatDec},
		{"float extremes", []event.Value{event.Float64Value(math.NaN()), event.Float64Value(math.Inf(1)), event.Float64Value(math.Inf(-1)), event.Float64Value(math.SmallestNonzeroFloat64), event.Float64Value(math.MaxFloat64), event.Float64Value(math.Copysign(0, -1))}, nil, encFloatRaw},
		{"bools", repeatValues(77, func(i int) event.Value { return event.BoolValue(i%3 == 0) }), nil, encBool},
		{"dictionary strings", repeatValues(100, func(i int) event.Value { return event.StringValue(fmt.Sprintf("svc-%d", i%5)) }), nil, EncStrDict},
		{"one string", []event.Value{event.StringValue("")}, nil, EncStrDict},
		{"plain strings", repeatValues(40, func(i int) event.Value { return event.StringValue(fmt.Sprintf("msg %d ☃", i)) }), nil, encStrPlain},
		{"huge unicode strings", []event.Value{event.StringValue(huge), event.StringValue("x"), event.StringValue(huge + "y"), event.StringValue("")}, nil, encStrPlain},
		{"hex ids", repeatValues(30, func(i int) event.Value { return event.StringValue(fmt.Sprintf("%032x", uint64(i)*0x9e3779b97f4a7c15)) }), nil, encStrHex},
		{"prefixed ids", repeatValues(300, func(i int) event.Value { return event.StringValue(fmt.Sprintf("user-%07d", i*3331%1000000)) }), nil, encStrPrefixNum},
		{"digit ids", repeatValues(300, func(i int) event.Value {
			return event.StringValue(fmt.Sprintf("%019d", uint64(i)*30_000_000_000_000_001%9_999_999_999_999_999_999))
		}), nil, encStrPrefixNum},
		{"sparse prefixed ids", []event.Value{event.StringValue("order_000042"), event.StringValue("order_999999"), event.StringValue("order_000000")}, []bool{true, false, true, true, false}, encStrPrefixNum},
		{"ids of their own widths", repeatValues(300, func(i int) event.Value { return event.StringValue(fmt.Sprintf("user-%d", i*3331)) }), nil, encStrPrefixNum},
		{"ids with leading zeros of two widths", repeatValues(300, func(i int) event.Value { return event.StringValue(fmt.Sprintf("user-%0*d", 3+i%2, i)) }), nil, encStrPlain},
		{"largest ids", []event.Value{event.StringValue("n9999999999999999999"), event.StringValue("n0"), event.StringValue("n18446744073709")}, nil, encStrPrefixNum},
		{"ids of two prefixes", repeatValues(300, func(i int) event.Value { return event.StringValue(fmt.Sprintf("%c-%06d", 'a'+i%2, i*3331)) }), nil, encStrPlain},
		{"twenty digits", repeatValues(300, func(i int) event.Value { return event.StringValue(fmt.Sprintf("x%020d", i*3331)) }), nil, encStrPlain},
		{"ips", repeatValues(30, func(i int) event.Value { return event.IPValue(fmt.Sprintf("10.0.%d.%d", i/8, i)) }), nil, encStrPlain},
		{"all null", repeatValues(10, func(int) event.Value { return event.Value{Kind: event.KindNull} }), nil, EncNone},
		{"mixed kinds", []event.Value{event.Int64Value(200), event.StringValue("OK"), event.Float64Value(math.NaN()), event.BoolValue(false), event.TimeNanosValue(math.MinInt64), event.Uint64Value(math.MaxUint64), event.Value{Kind: event.KindNull}, event.IPValue("::1")}, nil, encMixed},
		{"sparse plain strings", []event.Value{event.StringValue("first ☃"), event.StringValue(""), event.StringValue("third message"), event.StringValue("x")}, []bool{false, true, true, false, false, true, true}, encStrPlain},
		{"sparse ints", []event.Value{event.Int64Value(-5), event.Int64Value(9)}, []bool{false, true, false, false, true, false, false, false, false}, encIntFOR},
		{"sparse dictionary", []event.Value{event.StringValue("a"), event.StringValue("a"), event.StringValue("a"), event.StringValue("a"), event.StringValue("a")}, []bool{true, false, true, true, false, true, true}, EncStrDict},
		{"sparse mixed", []event.Value{event.StringValue("x"), event.Int64Value(1)}, []bool{false, true, true}, encMixed},
		{"absent everywhere but one of 200", []event.Value{event.Float64Value(1.5)}, append(make([]bool, 199), true), encFloatDec},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			present := tc.present
			if present == nil {
				present = allPresent(len(tc.vals))
			}
			raw, meta := columnTestEncode(t, tc.vals, present)
			if meta.Encoding != tc.want {
				t.Fatalf("encoding %s, want %s", meta.Encoding, tc.want)
			}
			// Decode into one Column again and again, so each decode reuses
			// the slices of the one before: whole, whole, only every third
			// row (search hits, column_sparse.go), whole.
			var c Column
			for pass := 0; pass < 4; pass++ {
				c.Borrow, c.Only = pass == 2, nil
				if pass == 2 {
					c.Only = everyThirdRow(len(present))
				}
				if err := DecodeChunk(raw, len(present), &c); err != nil {
					t.Fatal(err)
				}
				if c.Rows != len(present) {
					t.Fatalf("rows %d, want %d", c.Rows, len(present))
				}
				k := 0
				for r, ok := range present {
					if c.Only != nil && !slices.Contains(c.Only, r) {
						if ok {
							k++
						}
						continue
					}
					got, gotOK := c.Value(r)
					if gotOK != ok || c.IsPresent(r) != ok {
						t.Fatalf("row %d present = %v, want %v", r, gotOK, ok)
					}
					if !ok {
						continue
					}
					if !sameValue(got, tc.vals[k]) {
						t.Fatalf("row %d = %+v, want %+v", r, got, tc.vals[k])
					}
					k++
				}
			}
		})
	}
}

// sameValue compares values bit for bit (NaN equals NaN, -0 differs from 0).
func sameValue(a, b event.Value) bool {
	if a.Kind == event.KindFloat64 && b.Kind == event.KindFloat64 {
		if math.IsNaN(a.Float()) && math.IsNaN(b.Float()) {
			return true
		}
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	}
	return a == b
}

func TestColumnStrOfEachStringEncoding(t *testing.T) {
	for _, vals := range [][]event.Value{
		repeatValues(20, func(i int) event.Value { return event.StringValue([]string{"a", "b"}[i%2]) }),
		repeatValues(20, func(i int) event.Value { return event.StringValue(fmt.Sprintf("v%d", i)) }),
		repeatValues(20, func(i int) event.Value { return event.StringValue(fmt.Sprintf("%08x", i*7919)) }),
		repeatValues(20, func(i int) event.Value {
			if i%2 == 0 {
				return event.Int64Value(int64(i))
			}
			return event.StringValue(fmt.Sprintf("v%d", i))
		}),
	} {
		raw, meta := columnTestEncode(t, vals, allPresent(len(vals)))
		var c Column
		if err := DecodeChunk(raw, len(vals), &c); err != nil {
			t.Fatal(err)
		}
		for r, v := range vals {
			if got := c.Str(r); got != v.Text() {
				t.Fatalf("%s: Str(%d) = %q, want %q", meta.Encoding, r, got, v.Text())
			}
		}
	}
}

func TestDeltaRoundTrip(t *testing.T) {
	cases := [][]int64{
		{0},
		{math.MinInt64, math.MaxInt64, math.MinInt64},
		{5, 5, 5, 5},
		{1e18, 1e18 + 1e6, 1e18 + 3e6, 1e18 + 2e6},
		{7, 9, 4, 100, -3, 12, 12, 8},
	}
	for _, vals := range cases {
		var e ChunkEncoder
		raw := e.EncodeInts(vals, event.KindInt64)
		var c Column
		if err := DecodeChunk(raw, len(vals), &c); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if c.Ints[i] != v {
				t.Fatalf("%v: row %d = %d", vals, i, c.Ints[i])
			}
		}
		// Only some rows, in any order (search hits, newest first).
		only := everyThirdRow(len(vals))
		slices.Reverse(only)
		sparse := Column{Borrow: true, Only: only}
		if err := DecodeChunk(raw, len(vals), &sparse); err != nil {
			t.Fatal(err)
		}
		for _, r := range only {
			if sparse.Ints[r] != vals[r] {
				t.Fatalf("%v: row %d decoded alone = %d", vals, r, sparse.Ints[r])
			}
		}
	}
}

func TestBitPackRoundTrip(t *testing.T) {
	for w := 0; w <= 64; w++ {
		vals := make([]uint64, 37)
		for i := range vals {
			vals[i] = uint64(i) * 0x9e3779b97f4a7c15
			if w < 64 {
				vals[i] &= 1<<w - 1
			}
		}
		packed := packBits(nil, vals, w)
		if len(packed) != packedLen(len(vals), w) {
			t.Fatalf("w=%d: %d bytes, want %d", w, len(packed), packedLen(len(vals), w))
		}
		got := make([]uint64, len(vals))
		if _, err := unpackBits(packed, len(vals), w, got); err != nil {
			t.Fatal(err)
		}
		frame := forFrame{base: 3, w: w, packed: packed}
		for i := range vals {
			if got[i] != vals[i] {
				t.Fatalf("w=%d: value %d = %x, want %x", w, i, got[i], vals[i])
			}
			if at := frame.at(i); at != vals[i]+3 {
				t.Fatalf("w=%d: value %d read alone = %x, want %x", w, i, at, vals[i]+3)
			}
		}
	}
}
