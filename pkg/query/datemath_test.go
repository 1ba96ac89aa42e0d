package query

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateMath(t *testing.T) {
	now := time.Date(2026, 1, 15, 14, 37, 21, 123456789, time.UTC) // a Thursday
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		in      string
		roundUp bool
		now     time.Time
		want    time.Time
	}{
		{"now", false, now, now},
		{"now-15m", false, now, now.Add(-15 * time.Minute)},
		{"now+1h", false, now, now.Add(time.Hour)},
		{"now+1H", false, now, now.Add(time.Hour)},
		{"now-30s", false, now, now.Add(-30 * time.Second)},
		{"now-3600s", false, now, now.Add(-time.Hour)},
		{"now-1d", false, now, time.Date(2026, 1, 14, 14, 37, 21, 123456789, time.UTC)},
		{"now-2w", false, now, time.Date(2026, 1, 1, 14, 37, 21, 123456789, time.UTC)},
		{"now-1M", false, now, time.Date(2025, 12, 15, 14, 37, 21, 123456789, time.UTC)},
		{"now-1y", false, now, time.Date(2025, 1, 15, 14, 37, 21, 123456789, time.UTC)},
		{"now/d", false, now, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
		{"now/d", true, now, time.Date(2026, 1, 15, 23, 59, 59, 999999999, time.UTC)},
		{"now-1d/d", false, now, time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC)},
		{"now/h", false, now, time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)},
		{"now/m", false, now, time.Date(2026, 1, 15, 14, 37, 0, 0, time.UTC)},
		{"now/s", false, now, time.Date(2026, 1, 15, 14, 37, 21, 0, time.UTC)},
		{"now/w", false, now, time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)},
		{"now/M", false, now, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"now/M", true, now, time.Date(2026, 1, 31, 23, 59, 59, 999999999, time.UTC)},
		{"now/y", false, now, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"now-1h-30m", false, now, now.Add(-90 * time.Minute)},
		{"now/d+8h", false, now, time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)},
		{"1768435200000", false, now, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
		{"1768435200123||+1h", false, now, time.Date(2026, 1, 15, 1, 0, 0, 123000000, time.UTC)},
		{"0", false, now, time.Unix(0, 0).UTC()},
		{"now/d", false, now.In(berlin), time.Date(2026, 1, 15, 0, 0, 0, 0, berlin)},
		{"2026-01-15T14:00:00Z", false, now, time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)},
		{"2026-01-15T14:00:00.5+02:00", false, now, time.Date(2026, 1, 15, 12, 0, 0, 500000000, time.UTC)},
		{"2026-01-15", false, now, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
		{"2026-01-15T14:00:00Z||+1d", false, now, time.Date(2026, 1, 16, 14, 0, 0, 0, time.UTC)},
		{"2026-01-15||/M", false, now, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-01-15T14:00:00Z||", false, now, time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDateMath(tt.in, tt.now, tt.roundUp)
		if err != nil {
			t.Errorf("ParseDateMath(%q, roundUp=%v): %v", tt.in, tt.roundUp, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseDateMath(%q, roundUp=%v) = %s, want %s", tt.in, tt.roundUp, got, tt.want)
		}
	}
}

func TestParseDateMathErrors(t *testing.T) {
	now := time.Date(2026, 1, 15, 14, 37, 21, 0, time.UTC)
	tests := []struct{ in, want string }{
		{"yesterday", "use RFC 3339"},
		{"-1768435200000", "use RFC 3339"},
		{"17684352000000000000", "use RFC 3339"},
		{"now-1x", "unknown unit 'x'"},
		{"now-", "'-' needs a number and a unit"},
		{"now-5", "'-5' needs a unit"},
		{"now/", "'/' needs a unit"},
		{"now/q", "unknown unit 'q'"},
		{"now*2", "expected '+', '-' or '/'"},
		{"now+99999999d", "too large"},
		{"now+999999y", "outside the supported years"},
		{"now+1000000d", "outside the supported years"},
		{"15/01/2026||+1d", "before '||' is not an RFC 3339 datetime"},
		{"", "use RFC 3339"},
	}
	for _, tt := range tests {
		_, err := ParseDateMath(tt.in, now, false)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDateMath(%q) error = %v, want it to mention %q", tt.in, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "'"+tt.in+"'") {
			t.Errorf("ParseDateMath(%q) error %q does not quote the input", tt.in, err)
		}
	}
}

// FuzzParseDateMath checks that date math never panics and that a result
// always lies in the supported years and rounds consistently.
func FuzzParseDateMath(f *testing.F) {
	for _, s := range []string{"now", "now-15m", "now-1d/d", "now/w", "2026-01-15T14:00:00Z||+1M/d", "now+1000000s", "now-1y-1M-1w-1d-1h-1m-1s"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 15, 14, 37, 21, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		down, err := ParseDateMath(s, now, false)
		if err != nil {
			return
		}
		up, err := ParseDateMath(s, now, true)
		if err != nil {
			t.Fatalf("ParseDateMath(%q) works rounding down but not up: %v", s, err)
		}
		if up.Before(down) {
			t.Fatalf("ParseDateMath(%q): rounding up gave %s, before %s", s, up, down)
		}
	})
}
