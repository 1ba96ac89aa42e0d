package engine

import (
	"errors"

	"github.com/triage-logs/triage/pkg/engine/budget"
)

var (
	// ErrInvalidConfig marks an index config that failed validation; the
	// wrapped message names the setting and what to change (HTTP 400).
	ErrInvalidConfig = errors.New("invalid index config")
	// ErrIndexExists means CreateIndex was given an id already in use (HTTP 409).
	ErrIndexExists = errors.New("index already exists")
	// ErrClosed is returned by calls made after Close.
	ErrClosed = errors.New("engine is closed")
	// ErrInvalidRequest marks a search or aggregation request that can never
	// succeed as sent (an empty time range, a date histogram without one,
	// too many buckets, a percentile outside 0–100): the caller's to fix,
	// HTTP 400, never retried. It is budget.ErrInvalidRequest, which the
	// query stages return.
	ErrInvalidRequest = budget.ErrInvalidRequest
	// ErrIndexUnavailable means an index could not be opened (its config
	// is damaged without a usable backup, or its files cannot be read); the
	// wrapping error names the file and what to do. Other indexes work.
	ErrIndexUnavailable = errors.New("index is unavailable")
)

// configError wraps ErrInvalidConfig with a message for the user.
type configError struct{ msg string }

func (e *configError) Error() string { return "invalid index config: " + e.msg }
func (e *configError) Unwrap() error { return ErrInvalidConfig }

func invalidConfig(msg string) error { return &configError{msg: msg} }
