// Package budget owns what one search or aggregation may cost and how it is
// told it went too far: the Limits (query text, deadline, memory), the Meter
// that charges what a query builds against its memory limit, and the error
// kinds every query stage shares (ErrInvalidRequest for the caller's
// mistakes, LimitError for a query stopped by a limit).
//
// It may import pkg/engine/event (and pkg/query for its text limits), and
// nothing else of pkg/engine: search, aggregations and pkg/engine import it.
package budget
