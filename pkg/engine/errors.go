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
	// ErrCorruptWAL means a write-ahead log record other than the last one of
	// the newest segment failed its checksum: acknowledged data may be damaged,
	// so Open refuses to guess and names the segment and offset.
	ErrCorruptWAL = errors.New("write-ahead log is corrupt")
)

// configError wraps ErrInvalidConfig with a message for the user.
type configError struct{ msg string }

func (e *configError) Error() string { return "invalid index config: " + e.msg }
func (e *configError) Unwrap() error { return ErrInvalidConfig }

func invalidConfig(msg string) error { return &configError{msg: msg} }
