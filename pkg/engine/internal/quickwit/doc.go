// Package quickwit restates Quickwit's tokenizers the plain way, rune by
// rune: the oracle the tokenizer, term-index and search tests compare the
// engine's fast paths against. Only tests import it.
//
// It imports only the standard library.
package quickwit
