// Package event is the engine's data model: an event is a timestamp, a
// sequence number and named, typed values. Every stage (WAL, columns,
// splits, search, aggregations) speaks in these types.
//
// It imports only the standard library and nothing of pkg/engine.
package event
