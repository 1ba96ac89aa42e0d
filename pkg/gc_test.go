package main

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target (SetGCPercent has no getter).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestGCPercentDefaultsUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	for _, tc := range []struct {
		env  string
		want int
	}{{"", defaultGCPercent}, {"200", 100}} {
		debug.SetGCPercent(100) // what the runtime would have read from GOGC
		t.Setenv("GOGC", tc.env)
		setGCPercent()
		if got := gcPercent(); got != tc.want {
			t.Errorf("GOGC=%q: the collector's target is %d, want %d", tc.env, got, tc.want)
		}
	}
}
