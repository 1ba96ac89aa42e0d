// Package quarantine owns what an index found damaged: the quarantine
// directory damaged files are moved or copied into, the damage reports
// (<item>.damage.json) saying what was lost, and the in-memory Log of them
// that stats, health and query warnings read.
//
// It may import pkg/engine/durable and nothing else of pkg/engine.
package quarantine
