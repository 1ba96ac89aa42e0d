// Package query owns Triage's query language and query model: the parser and
// printer for the Quickwit/Lucene-style syntax users bring from Quickwit and
// Elasticsearch, the resolution of a parsed query against an index mapping
// into typed filters the engine executes, backend macro expansion, date math,
// and the versioned JSON query model the Grafana plugin receives.
//
// It imports nothing else from Triage and never the Grafana SDK, so the engine,
// the plugin and the editor's validation resource all rest on one parser.
package query
