package engine

import "github.com/triage-logs/triage/pkg/engine/search"

// Cursor is the position of the last hit of a page in the engine's stable
// (Timestamp, Seq) order; it lives with the top-N it pages through.
type Cursor = search.Cursor

// ParseCursor decodes Cursor.String's form.
func ParseCursor(s string) (Cursor, error) { return search.ParseCursor(s) }

// QueryError reports a query text that cannot run: a syntax error (Err
// wraps *query.SyntaxError) or a clause that does not fit the index mapping.
type QueryError = search.QueryError

// MatchCacheStats counts the store's cache of filter matches per block.
type MatchCacheStats = search.MatchCacheStats
