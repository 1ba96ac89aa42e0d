package budget

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrInvalidRequest marks a search or aggregation request that can never
// succeed as sent (an empty time range, a date histogram without one,
// too many buckets, a percentile outside 0–100): the caller's to fix,
// HTTP 400, never retried.
var ErrInvalidRequest = errors.New("invalid request")

// requestError wraps ErrInvalidRequest around a message for the user.
type requestError struct{ err error }

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() []error {
	return []error{e.err, ErrInvalidRequest}
}

// InvalidRequest marks err as the request's fault; nil stays nil.
func InvalidRequest(err error) error {
	if err == nil {
		return nil
	}
	return &requestError{err: err}
}

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

// mebibytes renders a size as "256 MiB" or "0.5 MiB".
func mebibytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'g', 4, 64) + " MiB"
}
