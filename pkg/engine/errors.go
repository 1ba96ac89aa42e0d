package engine

import "errors"

var (
	// ErrInvalidConfig marks an index config that failed validation; the
	// wrapped message names the setting and what to change (HTTP 400).
	ErrInvalidConfig = errors.New("invalid index config")
	// ErrIndexExists means CreateIndex was given an id already in use (HTTP 409).
	ErrIndexExists = errors.New("index already exists")
	// ErrClosed is returned by calls made after Close.
	ErrClosed = errors.New("engine is closed")
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
