// Package search owns what a compiled query does inside one split: the
// filters compiled from pkg/query's AST (term, phrase, prefix, range, set,
// exists, array, and/or/not) with their block pruning (bounds, term index,
// blooms) and row evaluation, the BlockReader that decodes only the columns
// a filter asks for, the Rows bitmaps, and the top-N of hits with its
// paging Cursor. Planning over a snapshot and the parallel scan stay in
// pkg/engine, which owns the index state they read.
//
// It may import pkg/engine/event, column and split (and pkg/query for the
// AST), and nothing else of pkg/engine.
package search
