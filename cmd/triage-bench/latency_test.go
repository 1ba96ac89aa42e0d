package main

import (
	"testing"
	"time"
)

func TestLatencyQuantiles(t *testing.T) {
	ms := func(v ...int) latencies {
		out := make(latencies, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name        string
		runs        latencies
		median, p99 time.Duration
	}{
		{"empty", nil, 0, 0},
		{"one run", ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{"odd count, unsorted", ms(9, 1, 5, 3, 7), 5 * time.Millisecond, 9 * time.Millisecond},
		{"even count takes the lower middle", ms(4, 1, 3, 2), 2 * time.Millisecond, 4 * time.Millisecond},
		{"p99 of 200 runs is the 198th", func() latencies {
			l := make(latencies, 200)
			for i := range l {
				l[i] = time.Duration(200-i) * time.Millisecond
			}
			return l
		}(), 100 * time.Millisecond, 198 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.runs.median(); got != tt.median {
				t.Errorf("median = %v, want %v", got, tt.median)
			}
			if got := tt.runs.p99(); got != tt.p99 {
				t.Errorf("p99 = %v, want %v", got, tt.p99)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {209999.6, "210,000"}, {-1234567, "-1,234,567"}, {12345678, "12,345,678"}} {
		if got := thousands(tt.in); got != tt.want {
			t.Errorf("thousands(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
