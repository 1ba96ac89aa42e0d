package budget

import (
	"context"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// Defaults of Limits.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMemoryBytes = 256 << 20
)

// Limits bound what one search or aggregation may cost, so a single
// request cannot take the machine: the query text is checked before
// anything is built, then the run is held to a deadline and a memory
// budget. Zero fields take the defaults.
type Limits struct {
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

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if l.MaxMemoryBytes <= 0 {
		l.MaxMemoryBytes = DefaultMemoryBytes
	}
	return l
}

// ParseLimits are the limits on the query text, for query.ParseWithLimits.
func (l Limits) ParseLimits() query.Limits {
	return query.Limits{MaxBytes: l.MaxQueryBytes, MaxClauses: l.MaxClauses}
}

// Start applies the limits to one query: a context carrying its deadline
// (whose cause is a timeout *LimitError), and the Meter of its memory. The
// caller must call cancel.
func Start(ctx context.Context, l Limits) (context.Context, context.CancelFunc, *Meter) {
	l = l.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, l.Timeout, &LimitError{Limit: LimitTimeout, Timeout: l.Timeout})
	return ctx, cancel, &Meter{limit: l.MaxMemoryBytes}
}
