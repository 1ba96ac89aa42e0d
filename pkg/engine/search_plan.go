package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// QueryError reports a query text that cannot run: a syntax error (Err
// wraps *query.SyntaxError, so the editor can underline its position) or a
// clause that does not fit the index mapping.
type QueryError struct {
	Query string
	Err   error
}

// Error names the query and the problem ("… at column 9" for syntax errors).
func (e *QueryError) Error() string { return fmt.Sprintf("query %q: %v", e.Query, e.Err) }

// Unwrap exposes the cause, so errors.As finds a *query.SyntaxError.
func (e *QueryError) Unwrap() error { return e.Err }

// scanPlan is one query's work over one snapshot: the compiled filter, the
// time range and the splits that may hold rows of it, in scan order.
type scanPlan struct {
	index  string
	snap   *Snapshot
	schema *indexSchema
	filter search.Filter
	// start and end bound the Unix-ns timestamps, [start, end).
	start, end int64
	desc       bool
	splits     []*split.Split
	// done ends the query's hold on background work (priority.Gate).
	done func()
	// text, now and limits are what the filter was compiled from, so a
	// parallel worker can compile its own (filters keep scratch buffers).
	text   string
	now    time.Time
	limits query.Limits
	// skipped names the damaged splits whose rows were left out from the
	// damage on; warnings say why.
	skipped  []string
	warnings []string
	// budget meters what the query builds (see QueryLimits).
	budget *budget.Meter
	// onBlock is Options.OnBlockScanned.
	onBlock func()
	// damage is the index's damage log: skips are counted there too.
	damage *quarantine.Log
}

// planQuery takes a snapshot of index and compiles text against it. The
// caller must release the plan.
func (e *Engine) planQuery(index, text string, fields []string, start, end, now time.Time, desc bool) (*scanPlan, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return nil, err
	}
	snap, err := e.Snapshot(index)
	if err != nil {
		return nil, err
	}
	p := &scanPlan{index: index, snap: snap, schema: newIndexSchema(ix.mapper.Load(), snap), desc: desc, done: e.gate.Foreground(), onBlock: e.opts.OnBlockScanned}
	p.schema.heads = headKindsOf(ix)
	if err := p.schema.searchIn(fields); err != nil {
		snap.Release()
		return nil, &QueryError{Query: text, Err: err}
	}
	if err := p.compile(text, now, e.opts.Limits.ParseLimits()); err != nil {
		p.release()
		return nil, err
	}
	p.start, p.end = timeBound(start, minTime), timeBound(end, maxTime)
	// What Open set aside in this range is missing from the answer too.
	p.damage = ix.damage
	p.skipped, p.warnings = ix.damage.QueryNotes(p.start, p.end)
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		p.release()
		return nil, budget.InvalidRequest(fmt.Errorf("time range [%s, %s) is empty: the end must be after the start", start.Format(time.RFC3339Nano), end.Format(time.RFC3339Nano)))
	}
	for _, s := range snap.Splits() {
		if s.Meta.Rows > 0 && s.Meta.MaxTime >= p.start && s.Meta.MinTime < p.end {
			p.splits = append(p.splits, s)
		}
	}
	sort.Slice(p.splits, func(i, j int) bool {
		a, b := &p.splits[i].Meta, &p.splits[j].Meta
		if desc {
			return a.MaxTime > b.MaxTime
		}
		return a.MinTime < b.MinTime
	})
	return p, nil
}

// The open ends of a time range (see search.MinTime).
const (
	minTime = search.MinTime
	maxTime = search.MaxTime
)

// timeBound converts a range end; the zero time leaves it open.
func timeBound(t time.Time, open int64) int64 {
	if t.IsZero() {
		return open
	}
	return query.UnixNanos(t)
}

func (p *scanPlan) compile(text string, now time.Time, lim query.Limits) error {
	if now.IsZero() {
		now = time.Now()
	}
	p.text, p.now, p.limits = text, now, lim
	node, err := query.ParseWithLimits(text, lim)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	f, err := query.Resolve(node, p.schema, now)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	p.filter, err = search.Compile(f, p.schema)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	return nil
}

// release ends the query: its snapshot and its hold on background work.
func (p *scanPlan) release() {
	p.snap.Release()
	p.done()
}

// Skip records a damaged split, once; the query goes on with the others.
func (p *scanPlan) Skip(s *split.Split, err error) {
	if slices.Contains(p.skipped, s.Meta.ID) {
		return
	}
	p.skipped = append(p.skipped, s.Meta.ID)
	p.damage.DamagedRead(s.Meta.ID, err)
	p.warn(fmt.Sprintf("split %s is damaged and was read only up to the damage: %v", s.Meta.ID, err))
}

// warn records a warning once, however many passes meet its cause.
func (p *scanPlan) warn(msg string) {
	if !slices.Contains(p.warnings, msg) {
		p.warnings = append(p.warnings, msg)
	}
}

// blockRange returns the rows of block b of s inside [start, end), using
// the block's time bounds and, only when they straddle an end, its
// timestamps.
func (p *scanPlan) blockRange(br *search.BlockReader, bm *split.BlockMeta) (lo, hi int, err error) {
	if bm.MinTime >= p.start && bm.MaxTime < p.end {
		return 0, bm.Rows, nil
	}
	ts, err := br.Timestamps()
	if err != nil {
		return 0, 0, err
	}
	lo = sort.Search(len(ts), func(i int) bool { return ts[i] >= p.start })
	hi = sort.Search(len(ts), func(i int) bool { return ts[i] >= p.end })
	return lo, hi, nil
}

// headRange returns the head events inside [start, end).
func (p *scanPlan) headRange() []event.Event {
	ev := p.snap.Events()
	lo := sort.Search(len(ev), func(i int) bool { return ev[i].Timestamp >= p.start })
	hi := sort.Search(len(ev), func(i int) bool { return ev[i].Timestamp >= p.end })
	return ev[lo:hi]
}

// isCorrupt reports whether err is split damage, which skips the split
// rather than failing the query.
func isCorrupt(err error) bool { return errors.Is(err, split.ErrCorrupt) }

// checkContext turns a finished context into the query's error: its cause,
// so a query past its deadline reports the *LimitError.
func checkContext(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("query stopped: %w", context.Cause(ctx))
	}
	return nil
}
