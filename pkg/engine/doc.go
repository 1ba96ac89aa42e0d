// Package engine is Triage's embedded log store: it opens a data directory,
// takes ingest (documents parsed against each index's mapping, committed to
// the write-ahead log, searchable from the in-memory head), flushes heads to
// splits, merges them in the background, applies retention, serves
// searches, aggregations, field listings and live tails over reference-
// counted snapshots, and reports damage and stats. It orchestrates the stage
// packages below it, which hold the formats and algorithms, and re-exports
// (public_*.go) the names its callers use.
//
// It may import every stage under pkg/engine (event, durable, jsonscan,
// quarantine, column, wal, split, budget, search, agg, merge, priority) and
// pkg/query; no stage imports it (layering_test.go), and it never imports
// the Grafana SDK: frames are built above it, in pkg/plugin.
package engine
