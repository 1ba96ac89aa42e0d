// Package wal is the engine's write-ahead log: segment files of
// CRC-checked records, each a batch of events; the Log that appends and
// fsyncs them (group commit) and rolls and removes segments once their
// events are flushed; and Replay, which reads them back at Open, cuts torn
// tails and sets damaged records and stray files aside in the quarantine.
//
// It may import pkg/engine/event, pkg/engine/durable and
// pkg/engine/quarantine, and nothing else of pkg/engine.
package wal
