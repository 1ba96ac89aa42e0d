package engine

import (
	"context"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/priority"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Background split writes yield before each block (priority.Gate):
//   - to searches: a flush waits at most 100 ms a block for them, and not at
//     all once the ingest buffer is half full, since ingest would be refused
//     next; a merge, which nothing waits for, up to a second;
//   - a merge also to flushes: while a frozen head waits to be written,
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
func (ix *indexState) background(ctx context.Context, src split.EventSource, p priority.Policy) split.EventSource {
	return &yieldingSource{src: src, ctx: ctx, gate: ix.e.gate, policy: p}
}

type yieldingSource struct {
	src    split.EventSource
	ctx    context.Context
	gate   *priority.Gate
	policy priority.Policy
}

func (y *yieldingSource) NextRun(n int) ([]event.Event, error) {
	y.gate.Yield(y.ctx, y.policy)
	return y.src.NextRun(n)
}

// underPressure reports an ingest buffer more than half full, the point
// at which the commit ticker flushes every head.
func (e *Engine) underPressure() bool {
	return e.buffered.Load() > e.opts.MaxBufferBytes/2
}

// flushesBehind reports a head frozen and waiting to be written: the
// flusher has work, and ingest will be refused if it does not keep up. (A
// head merely filling is not work for the flusher yet.)
func (e *Engine) flushesBehind() bool {
	return e.frozenHeads.Load() > 0
}

// Idle flushes: a head that stopped growing is written out once it has
// been idle for ten commit intervals (10 s by default) and holds at least
// idleFlushBytes, instead of staying in memory and in the WAL until
// FlushAge (5 minutes): after a burst its memory is freed and its events
// reach their compact, merged form. The size floor keeps a sparse source
// (an event a minute) from making a split per event.
const idleFlushBytes = 1 << 20

func (ix *indexState) headIdle(h *head, now time.Time) bool {
	bytes, _, _ := h.stats(now)
	return bytes >= idleFlushBytes && h.idleFor(now) >= 10*ix.e.opts.CommitTimeout
}
