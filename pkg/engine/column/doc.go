// Package column owns the column-chunk format: how the values of one field
// in a block of rows are encoded (delta, frame-of-reference, float decimals,
// bitmaps, plain, dictionary and hex strings, mixed kinds), decoded back
// into a Column, and described by a ChunkMeta with per-kind Bounds.
//
// It may import pkg/engine/event and nothing else of pkg/engine.
package column
