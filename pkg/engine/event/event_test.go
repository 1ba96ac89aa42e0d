package event

import (
	"encoding/json"
	"math"
	"testing"
	"time"
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
