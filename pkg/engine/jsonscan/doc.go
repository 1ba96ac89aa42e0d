// Package jsonscan is the engine's one JSON reader: a Scanner over a byte
// slice that yields scalars, walks containers and skips values without
// allocating per token. The document parser, the datetime parser and the
// tokenizer (JSON text fields) share it.
//
// It imports only the standard library.
package jsonscan
