// Package priority lets searches take the CPU before background work.
// Go has no thread priorities, so background work (writing flushed heads
// and merged splits) yields cooperatively: between units of work it asks
// the Gate, which holds it while foreground work (a query) runs, unless
// holding it longer would cost more than it saves (the caller says when
// the work is urgent, e.g. the ingest buffer filling up) or it has been
// held for its longest pause.
//
// It imports nothing of Triage: pkg/engine's flusher and merger ask it
// between units of work, and the search stages mark themselves running.
package priority
