package main

import (
	"os"
	"runtime/debug"
)

// defaultGCPercent is the garbage collector's target unless GOGC is set.
// Most of Triage's heap is its ingest buffer, events that live until their
// split is written, and Go's default (GOGC=100: let the heap grow to twice
// what survived the last collection) keeps a second buffer's worth of
// memory around. At 50 the heap grows by half of it instead. Measured over
// HTTP with 10M events (issue 14, BENCHMARKS.md): peak RSS 671–703 →
// 522–547 MiB, for ~13% more server CPU per event. VictoriaMetrics and vmagent lower GOGC the same way
// (to 30; app/victoria-metrics/main.go, lib/cgroup.SetGOGC), for the same
// reason.
const defaultGCPercent = 50

// setGCPercent applies defaultGCPercent unless the operator chose GOGC.
func setGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
