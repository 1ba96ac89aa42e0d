package engine

import (
	"context"
	"time"

	"github.com/triage-logs/triage/pkg/engine/priority"
)

// Background split writes yield before each block (priority.Gate):
//   - to searches: a flush waits at most 100 ms a block for them, and not at
//     all once the ingest buffer is half full, since ingest would be refused
//     next; a merge, which nothing waits for, up to a second;
//   - a merge also to flushes: while the buffer is over a quarter full,
//     ingest is ahead of the flusher, and the CPU a merge takes (it rewrites
//     and re-tokenizes every event) is what the flusher lacks.
//
// Tests lengthen the pauses.
type backgroundPauses struct{ flush, merge time.Duration }

var defaultPauses = backgroundPauses{flush: 100 * time.Millisecond, merge: time.Second}

func (ix *indexState) flushYield() priority.Policy {
	return priority.Policy{MaxPause: ix.e.pauses.flush, Urgent: ix.e.underPressure}
}

func (ix *indexState) mergeYield() priority.Policy {
	return priority.Policy{MaxPause: ix.e.pauses.merge, Busy: ix.e.flushesBehind}
}

// background wraps the events of a background split write so that it
// yields by policy before each block.
func (ix *indexState) background(ctx context.Context, src eventSource, p priority.Policy) eventSource {
	return &yieldingSource{src: src, ctx: ctx, gate: ix.e.gate, policy: p}
}

type yieldingSource struct {
	src    eventSource
	ctx    context.Context
	gate   *priority.Gate
	policy priority.Policy
}

func (y *yieldingSource) nextRun(n int) ([]Event, error) {
	y.gate.Yield(y.ctx, y.policy)
	return y.src.nextRun(n)
}

// underPressure reports an ingest buffer more than half full, the point
// at which the commit ticker flushes every head.
func (e *Engine) underPressure() bool {
	return e.buffered.Load() > e.opts.MaxBufferBytes/2
}

// flushesBehind reports an ingest buffer more than a quarter full: more
// than a head waits to be flushed.
func (e *Engine) flushesBehind() bool {
	return e.buffered.Load() > e.opts.MaxBufferBytes/4
}
