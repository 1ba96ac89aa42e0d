// Package search owns what a query does over one snapshot of an index: the
// filters compiled from pkg/query's AST (term, phrase, prefix, range, set,
// exists, array, and/or/not) with their block pruning (bounds, term index,
// blooms) and row evaluation, the BlockReader that decodes only the columns
// a filter asks for, the Rows bitmaps, the Plan (compiled filter, time
// range, splits in scan order) and its scan of splits and head events, the
// parallel count of a search's total, the top-N of hits with its paging
// Cursor, and the MatchCache of filters' rows per block across queries. It reads an index only through the Snapshot and Schema
// interfaces; taking the snapshot, the schema and the index's damage log is
// pkg/engine's.
//
// It may import pkg/engine/event, column, split, quarantine (the damage log
// skips are counted in) and budget (and pkg/query for the AST), and nothing
// else of pkg/engine.
package search
