package query

import (
	"testing"
	"time"
)

func TestExpandMacros(t *testing.T) {
	from := time.Date(2026, 1, 15, 13, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	m := MacroContext{From: from, To: to, Interval: 30 * time.Second}
	tests := []struct {
		in   string
		m    MacroContext
		want string
	}{
		{"timestamp:>now-$__interval", m, "timestamp:>now-30s"},
		{"timestamp:>now-${__interval}", m, "timestamp:>now-30s"},
		{"x:$__interval_ms", m, "x:30000"},
		{"timestamp:[$__from TO $__to]", m, "timestamp:[1768482000000 TO 1768485600000]"},
		{"timestamp:[${__from} TO ${__to}]", m, "timestamp:[1768482000000 TO 1768485600000]"},
		{"timestamp:>now-$__range", m, "timestamp:>now-3600s"},
		{"a:$__range_s b:$__range_ms", m, "a:3600 b:3600000"},
		{"no macros here", m, "no macros here"},
		{"service:$service", m, "service:$service"},
		{"x:$__unknown", m, "x:$__unknown"},
		{"x:${__interval:raw}", m, "x:${__interval:raw}"},
		{`x:\$__interval`, m, `x:\$__interval`},
		{"$__interval$__interval", m, "30s30s"},
		{"x:$__interval", MacroContext{From: from, To: to}, "x:$__interval"},
		{"x:$__from", MacroContext{Interval: time.Second}, "x:$__from"},
		{"$", m, "$"},
		{"$__", m, "$__"},
	}
	for _, tt := range tests {
		if got := ExpandMacros(tt.in, tt.m); got != tt.want {
			t.Errorf("ExpandMacros(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExpandedMacrosParse(t *testing.T) {
	from := time.Date(2026, 1, 15, 13, 0, 0, 0, time.UTC)
	m := MacroContext{From: from, To: from.Add(6 * time.Hour), Interval: time.Minute}
	text := ExpandMacros("timestamp:>now-$__interval AND timestamp:[$__from TO $__to]", m)
	if _, err := Parse(text); err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
}

func TestFormatInterval(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "1ms"},
		{500 * time.Microsecond, "1ms"},
		{20 * time.Millisecond, "20ms"},
		{time.Second, "1s"},
		{30 * time.Second, "30s"},
		{90 * time.Second, "1m"},
		{time.Hour, "1h"},
		{36 * time.Hour, "1d"},
		{400 * 24 * time.Hour, "1y"},
	}
	for _, tt := range tests {
		if got := FormatInterval(tt.in); got != tt.want {
			t.Errorf("FormatInterval(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
