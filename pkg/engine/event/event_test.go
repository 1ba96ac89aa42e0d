package event

import (
	"encoding/json"
	"math"
	"testing"
	"time"
	"unsafe"
)

func TestValueJSON(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{StringValue("a \"b\""), `"a \"b\""`},
		{Int64Value(-7), `-7`},
		{Uint64Value(math.MaxUint64), `18446744073709551615`},
		{Float64Value(1.5), `1.5`},
		{Float64Value(math.NaN()), `null`},
		{BoolValue(true), `true`},
		{TimeValue(time.Date(2026, 1, 15, 14, 0, 0, 5, time.UTC)), `"2026-01-15T14:00:00.000000005Z"`},
		{IPValue("10.0.0.1"), `"10.0.0.1"`},
		{Value{}, `null`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.v.JSON())
		if err != nil {
			t.Fatalf("%v: %v", tt.v, err)
		}
		if string(got) != tt.want {
			t.Errorf("%v.JSON() encodes as %s, want %s", tt.v, got, tt.want)
		}
	}
}

// TestValueIsOneWordAndAString guards the head's memory: every buffered
// event holds a Value per field, and at 56 bytes (a word per kind) they
// were the largest part of a 10M ingest's heap (issue 14).
func TestValueIsOneWordAndAString(t *testing.T) {
	if got := unsafe.Sizeof(Value{}); got > 32 {
		t.Errorf("a Value takes %d bytes, want at most 32 (a string and one word)", got)
	}
	if got := unsafe.Sizeof(Field{}); got > 48 {
		t.Errorf("a Field takes %d bytes, want at most 48", got)
	}
}

// TestValueMembersShareAWordWithoutMixing reads each kind back through its
// accessor, at the extremes of its range.
func TestValueMembersShareAWordWithoutMixing(t *testing.T) {
	for _, n := range []int64{math.MinInt64, -1, 0, 1, math.MaxInt64} {
		if v := Int64Value(n); v.Int() != n || v.Kind != KindInt64 {
			t.Errorf("Int64Value(%d) reads back as %d (%v)", n, v.Int(), v.Kind)
		}
		if v := TimeNanosValue(n); v.Int() != n || v.Kind != KindTime {
			t.Errorf("TimeNanosValue(%d) reads back as %d (%v)", n, v.Int(), v.Kind)
		}
	}
	for _, n := range []uint64{0, 1, math.MaxUint64} {
		if v := Uint64Value(n); v.Uint() != n {
			t.Errorf("Uint64Value(%d) reads back as %d", n, v.Uint())
		}
	}
	for _, f := range []float64{math.Inf(-1), -1.5, math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, math.MaxFloat64} {
		if v := Float64Value(f); math.Float64bits(v.Float()) != math.Float64bits(f) {
			t.Errorf("Float64Value(%v) reads back as %v", f, v.Float())
		}
	}
	if !math.IsNaN(Float64Value(math.NaN()).Float()) {
		t.Error("Float64Value(NaN) does not read back as NaN")
	}
	for _, b := range []bool{false, true} {
		if v := BoolValue(b); v.Bool() != b {
			t.Errorf("BoolValue(%v) reads back as %v", b, v.Bool())
		}
	}
}

// TestValueKeyJoinsZeros: terms buckets and field value lists key maps by
// Value, and 0 and -0 are one number to a user (and were one key when
// floats had their own member).
func TestValueKeyJoinsZeros(t *testing.T) {
	neg, pos := Float64Value(math.Copysign(0, -1)), Float64Value(0)
	if neg == pos {
		t.Fatal("the test needs -0 and 0 to differ as words")
	}
	if neg.Key() != pos.Key() {
		t.Errorf("-0 and 0 have different keys: %#v, %#v", neg.Key(), pos.Key())
	}
	if k := Float64Value(-1.5).Key(); k.Float() != -1.5 {
		t.Errorf("Key changed -1.5 to %v", k.Float())
	}
	if k := StringValue("x").Key(); k != StringValue("x") {
		t.Errorf("Key changed a string: %#v", k)
	}
}
