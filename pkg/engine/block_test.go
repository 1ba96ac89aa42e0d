package engine

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestValueBounds(t *testing.T) {
	long := strings.Repeat("x", maxStrBoundLen+1)
	cases := []struct {
		name string
		vals []Value
		want []Bounds
	}{
		{"ints", []Value{Int64Value(5), Int64Value(math.MinInt64), Int64Value(-3)},
			[]Bounds{{Kind: KindInt64, MinInt: math.MinInt64, MaxInt: 5}}},
		{"uints", []Value{Uint64Value(math.MaxUint64), Uint64Value(2)},
			[]Bounds{{Kind: KindUint64, MinUint: 2, MaxUint: math.MaxUint64}}},
		{"floats skip NaN", []Value{Float64Value(math.NaN()), Float64Value(math.Inf(-1)), Float64Value(2.5)},
			[]Bounds{{Kind: KindFloat64, MinFloat: jsonFloat(math.Inf(-1)), MaxFloat: 2.5}}},
		{"all NaN has no bounds", []Value{Float64Value(math.NaN())}, nil},
		{"short strings", []Value{StringValue("b"), StringValue("a"), StringValue("c")},
			[]Bounds{{Kind: KindString, MinStr: "a", MaxStr: "c"}}},
		{"a long string drops string bounds", []Value{StringValue("a"), StringValue(long)}, nil},
		{"bools have no bounds", []Value{BoolValue(true)}, nil},
		{"mixed kinds keep one range per kind", []Value{Int64Value(3), StringValue("OK"), Int64Value(-1), TimeNanosValue(9)},
			[]Bounds{{Kind: KindString, MinStr: "OK", MaxStr: "OK"}, {Kind: KindInt64, MinInt: -1, MaxInt: 3}, {Kind: KindTime, MinInt: 9, MaxInt: 9}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var kinds uint16
			for _, v := range tc.vals {
				kinds |= 1 << v.Kind
			}
			if got := valueBounds(tc.vals, kinds); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSplitBoundsDropKindsSomeBlockCannotBound(t *testing.T) {
	// Block 0 has short strings (bounded), block 1 a long one (unbounded):
	// the split must not claim a string range for the field.
	events := []Event{
		{Timestamp: 1, Seq: 1, Fields: []Field{{"f", StringValue("a")}, {"n", Int64Value(1)}}},
		{Timestamp: 2, Seq: 2, Fields: []Field{{"f", StringValue(strings.Repeat("z", 100))}, {"n", Int64Value(7)}}},
	}
	s, _ := splitTestWrite(t, events, splitOptions{blockRows: 1, granuleRows: 1})
	if b := s.Meta.Fields["f"].Bounds; len(b) != 0 {
		t.Fatalf("string bounds %+v survived an unbounded block", b)
	}
	if b := s.Meta.Fields["n"].Bounds; len(b) != 1 || b[0].MinInt != 1 || b[0].MaxInt != 7 {
		t.Fatalf("int bounds = %+v, want [1, 7]", b)
	}
}
