package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/query"
)

// Defaults of QueryLimits.
const (
	DefaultQueryTimeout     = 30 * time.Second
	DefaultQueryMemoryBytes = 256 << 20
)

// QueryLimits bound what one search or aggregation may cost, so a single
// request cannot take the machine: the query text is checked before
// anything is built, then the run is held to a deadline and a memory
// budget. Zero fields take the defaults.
type QueryLimits struct {
	// MaxQueryBytes and MaxClauses bound the query text (see query.Limits).
	MaxQueryBytes int
	MaxClauses    int
	// Timeout bounds a query's run time, wall clock: Go cannot meter one
	// goroutine's CPU, and on a busy machine wall time is what callers wait.
	Timeout time.Duration
	// MaxMemoryBytes bounds what a query builds as it runs: the events of
	// its hits and, for aggregations, the collectors of every bucket and
	// the distinct keys terms aggregations count.
	MaxMemoryBytes int64
}

func (l QueryLimits) withDefaults() QueryLimits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultQueryTimeout
	}
	if l.MaxMemoryBytes <= 0 {
		l.MaxMemoryBytes = DefaultQueryMemoryBytes
	}
	return l
}

func (l QueryLimits) parseLimits() query.Limits {
	return query.Limits{MaxBytes: l.MaxQueryBytes, MaxClauses: l.MaxClauses}
}

// ParseLimits are the query-text limits the engine applies, for callers
// that parse a query themselves before handing it over (the _elastic API's
// query_string, Quickwit's search_field), so they refuse what the engine
// would and accept what it accepts.
func (e *Engine) ParseLimits() query.Limits { return e.opts.Limits.parseLimits() }

// Names of the limits a LimitError reports.
const (
	LimitTimeout = "timeout"
	LimitMemory  = "memory"
)

// LimitError is a query stopped by one of its limits. It is the caller's
// to fix, by narrowing the query or raising the limit, so it wraps
// ErrInvalidRequest (HTTP 400), and no retry would help.
type LimitError struct {
	// Limit is LimitTimeout or LimitMemory.
	Limit string
	// Timeout or MaxBytes is the limit's value.
	Timeout  time.Duration
	MaxBytes int64
}

func (e *LimitError) Error() string {
	if e.Limit == LimitTimeout {
		return fmt.Sprintf("the query ran longer than its time limit of %s; narrow the time range or the query", e.Timeout)
	}
	return fmt.Sprintf("the query needs more than its memory limit of %s (the hits it returns, its buckets and the distinct values terms aggregations count); narrow the time range, return fewer hits or aggregate a field with fewer distinct values", mebibytes(e.MaxBytes))
}

func (e *LimitError) Unwrap() error { return ErrInvalidRequest }

// queryBudget meters what one query builds against its memory limit. One
// query runs on one goroutine, so it needs no lock.
type queryBudget struct {
	limit, used int64
}

// charge adds n bytes, failing once the total passes the limit.
func (b *queryBudget) charge(n int64) error {
	b.used += n
	if b.used > b.limit {
		return &LimitError{Limit: LimitMemory, MaxBytes: b.limit}
	}
	return nil
}

// startQuery applies the engine's limits to one query: a context carrying
// its deadline, and its memory budget. The caller must call cancel.
func (e *Engine) startQuery(ctx context.Context) (context.Context, context.CancelFunc, *queryBudget) {
	lim := e.opts.Limits.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, lim.Timeout, &LimitError{Limit: LimitTimeout, Timeout: lim.Timeout})
	return ctx, cancel, &queryBudget{limit: lim.MaxMemoryBytes}
}

// chargeEvents charges the events a search rebuilt for its hits.
func chargeEvents(b *queryBudget, events []event.Event) error {
	n := int64(0)
	for i := range events {
		n += eventSize(&events[i])
	}
	return b.charge(n)
}

// Approximate costs of aggregation state, for the memory budget: what a
// collector holds before it sees a row, and what a terms key adds (map
// entry, bucket and the key itself).
const (
	collectorCost   = 128
	sketchCost      = 16 << 10 // a dense HyperLogLog++ of precision 14; a DDSketch stays below
	termKeyBaseCost = 160
)

func collectorsCost(env *aggEnv, specs []Agg) int64 {
	n := int64(0)
	for i := range specs {
		a := &specs[i]
		n += collectorCost
		switch {
		case a.DateHistogram != nil:
			n += 16 * int64(dateBuckets(env.start, env.end, int64(a.DateHistogram.Interval)))
		case a.Metric != nil && (a.Metric.Kind == MetricCardinality || a.Metric.Kind == MetricPercentiles):
			n += sketchCost
		}
	}
	return n
}

func termKeyCost(v *event.Value) int64 { return termKeyBaseCost + int64(len(v.Str)) }

// mebibytes renders a size as "256 MiB" or "0.5 MiB".
func mebibytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'g', 4, 64) + " MiB"
}
