package engine

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// columnTestEncode encodes vals (nil entries of present = absent rows) as
// one chunk, the way the block builder does, and returns the raw chunk.
func columnTestEncode(t testing.TB, vals []Value, present []bool) ([]byte, ChunkMeta) {
	t.Helper()
	f := &fieldValues{name: "f", present: make([]byte, (len(present)+7)/8)}
	for r, ok := range present {
		if ok {
			f.present[r>>3] |= 1 << (r & 7)
			f.rows = append(f.rows, int32(r))
			f.vals = append(f.vals, vals[len(f.vals)])
			f.kinds |= 1 << f.vals[len(f.vals)-1].Kind
		}
	}
	enc := chunkEncoder{dictIndex: map[string]uint32{}}
	raw, meta := enc.encodeField(f, len(present))
	return append([]byte(nil), raw...), meta
}

func allPresent(n int) []bool {
	p := make([]bool, n)
	for i := range p {
		p[i] = true
	}
	return p
}

func repeatValues(n int, f func(i int) Value) []Value {
	out := make([]Value, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestColumnRoundTrip(t *testing.T) {
	huge := strings.Repeat("ünïcödé ☃ ", 20000)
	cases := []struct {
		name    string
		vals    []Value
		present []bool // nil = all present
		want    columnEncoding
	}{
		{"one int", []Value{Int64Value(42)}, nil, encIntFOR},
		{"int extremes", []Value{Int64Value(math.MinInt64), Int64Value(math.MaxInt64), Int64Value(0), Int64Value(-1)}, nil, encIntFOR},
		{"equal ints", repeatValues(100, func(int) Value { return Int64Value(200) }), nil, encIntFOR},
		{"times", repeatValues(50, func(i int) Value { return TimeNanosValue(int64(i) * 1e9) }), nil, encIntFOR},
		{"uint extremes", []Value{Uint64Value(0), Uint64Value(math.MaxUint64), Uint64Value(7)}, nil, encUintFOR},
		{"decimal floats", []Value{Float64Value(123.45), Float64Value(0.5), Float64Value(-7), Float64Value(1e6)}, nil, encFloatDec},
		{"float extremes", []Value{Float64Value(math.NaN()), Float64Value(math.Inf(1)), Float64Value(math.Inf(-1)), Float64Value(math.SmallestNonzeroFloat64), Float64Value(math.MaxFloat64), Float64Value(math.Copysign(0, -1))}, nil, encFloatRaw},
		{"bools", repeatValues(77, func(i int) Value { return BoolValue(i%3 == 0) }), nil, encBool},
		{"dictionary strings", repeatValues(100, func(i int) Value { return StringValue(fmt.Sprintf("svc-%d", i%5)) }), nil, encStrDict},
		{"one string", []Value{StringValue("")}, nil, encStrDict},
		{"plain strings", repeatValues(40, func(i int) Value { return StringValue(fmt.Sprintf("msg %d ☃", i)) }), nil, encStrPlain},
		{"huge unicode strings", []Value{StringValue(huge), StringValue("x"), StringValue(huge + "y"), StringValue("")}, nil, encStrPlain},
		{"hex ids", repeatValues(30, func(i int) Value { return StringValue(fmt.Sprintf("%032x", uint64(i)*0x9e3779b97f4a7c15)) }), nil, encStrHex},
		{"ips", repeatValues(30, func(i int) Value { return IPValue(fmt.Sprintf("10.0.%d.%d", i/8, i)) }), nil, encStrPlain},
		{"all null", repeatValues(10, func(int) Value { return Value{Kind: KindNull} }), nil, encNone},
		{"mixed kinds", []Value{Int64Value(200), StringValue("OK"), Float64Value(math.NaN()), BoolValue(false), TimeNanosValue(math.MinInt64), Uint64Value(math.MaxUint64), Value{Kind: KindNull}, IPValue("::1")}, nil, encMixed},
		{"sparse ints", []Value{Int64Value(-5), Int64Value(9)}, []bool{false, true, false, false, true, false, false, false, false}, encIntFOR},
		{"sparse dictionary", []Value{StringValue("a"), StringValue("a"), StringValue("a"), StringValue("a"), StringValue("a")}, []bool{true, false, true, true, false, true, true}, encStrDict},
		{"sparse mixed", []Value{StringValue("x"), Int64Value(1)}, []bool{false, true, true}, encMixed},
		{"absent everywhere but one of 200", []Value{Float64Value(1.5)}, append(make([]bool, 199), true), encFloatDec},
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
			// Decode twice into one Column: the second decode reuses its slices.
			var c Column
			for pass := 0; pass < 2; pass++ {
				if err := decodeChunk(raw, len(present), &c); err != nil {
					t.Fatal(err)
				}
				if c.Rows != len(present) {
					t.Fatalf("rows %d, want %d", c.Rows, len(present))
				}
				k := 0
				for r, ok := range present {
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
func sameValue(a, b Value) bool {
	if a.Kind == KindFloat64 && b.Kind == KindFloat64 {
		if math.IsNaN(a.Float) && math.IsNaN(b.Float) {
			return true
		}
		return math.Float64bits(a.Float) == math.Float64bits(b.Float)
	}
	return a == b
}

func TestColumnStrOfEachStringEncoding(t *testing.T) {
	for _, vals := range [][]Value{
		repeatValues(20, func(i int) Value { return StringValue([]string{"a", "b"}[i%2]) }),
		repeatValues(20, func(i int) Value { return StringValue(fmt.Sprintf("v%d", i)) }),
		repeatValues(20, func(i int) Value { return StringValue(fmt.Sprintf("%08x", i*7919)) }),
		repeatValues(20, func(i int) Value {
			if i%2 == 0 {
				return Int64Value(int64(i))
			}
			return StringValue(fmt.Sprintf("v%d", i))
		}),
	} {
		raw, meta := columnTestEncode(t, vals, allPresent(len(vals)))
		var c Column
		if err := decodeChunk(raw, len(vals), &c); err != nil {
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
	}
	for _, vals := range cases {
		var e chunkEncoder
		raw := e.encodeInts(vals, KindInt64)
		var c Column
		if err := decodeChunk(raw, len(vals), &c); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if c.Ints[i] != v {
				t.Fatalf("%v: row %d = %d", vals, i, c.Ints[i])
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
		for i := range vals {
			if got[i] != vals[i] {
				t.Fatalf("w=%d: value %d = %x, want %x", w, i, got[i], vals[i])
			}
		}
	}
}
