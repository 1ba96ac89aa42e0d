package engine

import "github.com/triage-logs/triage/pkg/engine/search"

// Cursor is the position of the last hit of a page in the engine's stable
// (Timestamp, Seq) order; it lives with the top-N it pages through.
type Cursor = search.Cursor

// ParseCursor decodes Cursor.String's form.
func ParseCursor(s string) (Cursor, error) { return search.ParseCursor(s) }
