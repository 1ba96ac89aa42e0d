// Package merge owns how splits are combined: the Policy that picks which
// splits of a time window to merge (size tiers, closed windows), the Source
// that streams their events in (Timestamp, Seq) order into the split
// writer, and the merge marker (merged_from.bin) that makes a merge
// crash-safe: written into the new split before the inputs are removed,
// read at Open to finish or repair an interrupted merge.
//
// It may import pkg/engine/event, column, split, durable and quarantine,
// and nothing else of pkg/engine. Running merges in the background stays in
// pkg/engine, which owns the index's split list.
package merge
