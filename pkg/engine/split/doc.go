// Package split owns the on-disk split format: an immutable, time-sorted
// run of events stored as blocks of column chunks (Writer side: the block
// builder and WriteSplitFrom; read side: Open, ReadColumn, ReadEvents), its
// metadata (Meta, per-block and per-field bounds), its term index (bleve
// documents per granule plus bloom filters), the document-id filter, and the
// tokenizers whose tokens the term index stores and queries look up.
//
// It may import pkg/engine/event, column, jsonscan, durable and quarantine
// (to set a damaged split aside), and nothing else of pkg/engine.
package split
