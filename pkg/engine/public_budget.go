package engine

import "github.com/triage-logs/triage/pkg/engine/budget"

// QueryLimits bound what one search or aggregation may cost (see
// budget.Limits); Options.Limits holds the engine's.
type QueryLimits = budget.Limits

// Defaults of QueryLimits.
const (
	DefaultQueryTimeout     = budget.DefaultTimeout
	DefaultQueryMemoryBytes = budget.DefaultMemoryBytes
)

// LimitError is a query stopped by one of its limits; it wraps
// ErrInvalidRequest.
type LimitError = budget.LimitError

// Names of the limits a LimitError reports.
const (
	LimitTimeout = budget.LimitTimeout
	LimitMemory  = budget.LimitMemory
)
