package split

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

func TestValueBounds(t *testing.T) {
	long := strings.Repeat("x", column.MaxStrBoundLen+1)
	cases := []struct {
		name string
		vals []event.Value
		want []column.Bounds
	}{
		{"ints", []event.Value{event.Int64Value(5), event.Int64Value(math.MinInt64), event.Int64Value(-3)},
			[]column.Bounds{{Kind: event.KindInt64, MinInt: math.MinInt64, MaxInt: 5}}},
		{"uints", []event.Value{event.Uint64Value(math.MaxUint64), event.Uint64Value(2)},
			[]column.Bounds{{Kind: event.KindUint64, MinUint: 2, MaxUint: math.MaxUint64}}},
		{"floats skip NaN", []event.Value{event.Float64Value(math.NaN()), event.Float64Value(math.Inf(-1)), event.Float64Value(2.5)},
			[]column.Bounds{{Kind: event.KindFloat64, MinFloat: column.JSONFloat(math.Inf(-1)), MaxFloat: 2.5}}},
		{"all NaN has no bounds", []event.Value{event.Float64Value(math.NaN())}, nil},
		{"short strings", []event.Value{event.StringValue("b"), event.StringValue("a"), event.StringValue("c")},
			[]column.Bounds{{Kind: event.KindString, MinStr: "a", MaxStr: "c"}}},
		{"a long string drops string bounds", []event.Value{event.StringValue("a"), event.StringValue(long)}, nil},
		{"bools have no bounds", []event.Value{event.BoolValue(true)}, nil},
		{"mixed kinds keep one range per kind", []event.Value{event.Int64Value(3), event.StringValue("OK"), event.Int64Value(-1), event.TimeNanosValue(9)},
			[]column.Bounds{{Kind: event.KindString, MinStr: "OK", MaxStr: "OK"}, {Kind: event.KindInt64, MinInt: -1, MaxInt: 3}, {Kind: event.KindTime, MinInt: 9, MaxInt: 9}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var kinds uint16
			for _, v := range tc.vals {
				kinds |= 1 << v.Kind
			}
			if got := column.ValueBounds(tc.vals, kinds); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSplitBoundsDropKindsSomeBlockCannotBound(t *testing.T) {
	// Block 0 has short strings (bounded), block 1 a long one (unbounded):
	// the split must not claim a string range for the field.
	events := []event.Event{
		{Timestamp: 1, Seq: 1, Fields: []event.Field{{Name: "f", Value: event.StringValue("a")}, {Name: "n", Value: event.Int64Value(1)}}},
		{Timestamp: 2, Seq: 2, Fields: []event.Field{{Name: "f", Value: event.StringValue(strings.Repeat("z", 100))}, {Name: "n", Value: event.Int64Value(7)}}},
	}
	s, _ := splitTestWrite(t, events, Options{BlockRows: 1, GranuleRows: 1})
	if b := s.Meta.Fields["f"].Bounds; len(b) != 0 {
		t.Fatalf("string bounds %+v survived an unbounded block", b)
	}
	if b := s.Meta.Fields["n"].Bounds; len(b) != 1 || b[0].MinInt != 1 || b[0].MaxInt != 7 {
		t.Fatalf("int bounds = %+v, want [1, 7]", b)
	}
}
