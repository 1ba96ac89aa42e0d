package query

import (
	"math"
	"testing"
	"time"
)

func TestUnixUnitsClampsAndKeepsWholeCountsExact(t *testing.T) {
	tests := []struct {
		n    float64
		unit time.Duration
		want time.Time
	}{
		// 1768485601123 ms times 1e6 in float64 is off by tens of ns.
		{1768485601123, time.Millisecond, time.Unix(0, 1768485601123*int64(time.Millisecond)).UTC()},
		{1.5, time.Second, time.Unix(1, 5e8).UTC()},
		{-1, time.Second, time.Unix(-1, 0).UTC()},
		{1e20, time.Millisecond, MaxTime},
		{-1e20, time.Millisecond, MinTime},
		{math.Inf(1), time.Second, MaxTime},
		{math.Inf(-1), time.Second, MinTime},
		{1e300, time.Second, MaxTime},
		{9_223_372_036_855, time.Millisecond, MaxTime}, // one ms past what nanoseconds hold
		{9_223_372_036_854, time.Millisecond, time.Unix(0, 9_223_372_036_854*int64(time.Millisecond)).UTC()},
		{1e16 + 0.5, time.Second, MaxTime}, // not whole in float64 terms, and past the range
	}
	for _, tt := range tests {
		if got := UnixUnits(tt.n, tt.unit); !got.Equal(tt.want) {
			t.Errorf("UnixUnits(%v, %v) = %v, want %v", tt.n, tt.unit, got, tt.want)
		}
	}
}

func TestClampDateKeepsQueriesWithinTheirYears(t *testing.T) {
	mid := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	tests := []struct{ in, want time.Time }{
		{mid, mid},
		{MaxTime, LastDate},
		{MinTime, FirstDate},
		{LastDate, LastDate},
	}
	for _, tt := range tests {
		got := ClampDate(tt.in)
		if !got.Equal(tt.want) {
			t.Errorf("ClampDate(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if _, err := ParseDateMath(got.Format(time.RFC3339Nano), mid, false); err != nil {
			t.Errorf("ClampDate(%v) = %v, which a query cannot name: %v", tt.in, got, err)
		}
	}
}
