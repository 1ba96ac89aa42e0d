package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startCPUProfile profiles one phase into prefix-phase.pprof when a prefix
// was given (-cpuprofile), so a missed target can be traced to hot spots
// with `go tool pprof`; the returned stop is always safe to call.
func startCPUProfile(prefix, phase string) (stop func() error, err error) {
	if prefix == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(prefix + "-" + phase + ".pprof")
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// writeHeapProfile saves the live heap into prefix-phase-heap.pprof, to see
// what holds the resident memory the RSS target is about.
func writeHeapProfile(prefix, phase string) error {
	if prefix == "" {
		return nil
	}
	f, err := os.Create(prefix + "-" + phase + "-heap.pprof")
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}
