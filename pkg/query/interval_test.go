package query

import (
	"testing"
	"time"
)

func TestParseInterval(t *testing.T) {
	good := map[string]time.Duration{"1ms": time.Millisecond, "30s": 30 * time.Second, "5m": 5 * time.Minute,
		"1h": time.Hour, "1d": 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1y": 365 * 24 * time.Hour}
	for in, want := range good {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "s", "30", "1.5s", "-1s", "30sec", "1h30m", "99999999999y", "99999999999999999999s"} {
		if _, err := ParseInterval(in); err == nil {
			t.Errorf("ParseInterval(%q) succeeded, want an error", in)
		}
	}
}

func TestResolveInterval(t *testing.T) {
	from := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		interval string
		mdp      int
		span     time.Duration
		request  time.Duration
		want     time.Duration
	}{
		{"auto: 1h over 1000 points is 3.6s, rounds to 5s", "auto", 1000, time.Hour, 0, 5 * time.Second},
		{"auto: 24h over 1440 points is 1m", "auto", 1440, 24 * time.Hour, 0, time.Minute},
		{"auto: 7d over 1000 points is 10m4.8s, rounds to 10m", "", 1000, 7 * 24 * time.Hour, 0, 10 * time.Minute},
		{"auto: 30d over 100 points is 7.2h, rounds to 6h", "auto", 100, 30 * 24 * time.Hour, 0, 6 * time.Hour},
		{"auto: no maxDataPoints uses 1000", "auto", 0, time.Hour, 0, 5 * time.Second},
		{"auto: tiny range is 1ms", "auto", 1000, time.Second, 0, time.Millisecond},
		{"auto: 10y over 10 points rounds to 1y", "auto", 10, 10 * 365 * 24 * time.Hour, 0, 365 * 24 * time.Hour},
		{"$__interval uses Grafana's", "$__interval", 1000, time.Hour, 2 * time.Second, 2 * time.Second},
		{"$__interval without one falls back to auto", "$__interval", 1000, time.Hour, 0, 5 * time.Second},
		{"fixed", "30s", 1000, time.Hour, 2 * time.Second, 30 * time.Second},
		{"fixed but too many buckets widens", "1ms", 1000, 24 * time.Hour, 0, 2 * time.Second},
		{"empty range keeps the fixed interval", "1m", 1000, 0, 0, time.Minute},
	}
	for _, tt := range tests {
		q := Query{Interval: tt.interval}
		got := ResolveInterval(q, tt.mdp, from, from.Add(tt.span), tt.request)
		if got != tt.want {
			t.Errorf("%s: ResolveInterval = %v, want %v", tt.name, got, tt.want)
		}
	}
}
