package engine

import (
	"context"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/query"
)

// ParseLimits are the query-text limits the engine applies, for callers
// that parse a query themselves before handing it over (the _elastic API's
// query_string, Quickwit's search_field), so they refuse what the engine
// would and accept what it accepts.
func (e *Engine) ParseLimits() query.Limits { return e.opts.Limits.ParseLimits() }

// startQuery applies the engine's limits to one query: a context carrying
// its deadline, and its memory meter. The caller must call cancel.
func (e *Engine) startQuery(ctx context.Context) (context.Context, context.CancelFunc, *budget.Meter) {
	return budget.Start(ctx, e.opts.Limits)
}
