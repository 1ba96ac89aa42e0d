package engine

import (
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// The tokenizers are the mapping's TokenizerDefault ("default": Unicode word
// boundaries, lower-cased, no stemming, no stop words — bleve's unicode
// tokenizer + lowercase filter) and TokenizerRaw ("raw": the whole value as
// one case-sensitive term). The term index and query terms must agree.

var (
	wordTokenizer = unicode.NewUnicodeTokenizer()
	lowerFilter   = lowercase.NewLowerCaseFilter()
)

// tokenize splits text into the terms the default tokenizer indexes, in
// order, duplicates kept (a phrase's terms). Search uses it on query text.
func tokenize(text string) []string {
	return appendTokens(nil, text)
}

// appendTokens appends text's default-tokenizer terms to dst.
func appendTokens(dst []string, text string) []string {
	stream := lowerFilter.Filter(wordTokenizer.Tokenize([]byte(text)))
	for _, t := range stream {
		dst = append(dst, string(t.Term))
	}
	return dst
}

// termsOf appends the terms a value of a field with tokenizer tok indexes.
func termsOf(dst []string, tok string, text string) []string {
	if tok == TokenizerRaw {
		return append(dst, text)
	}
	return appendTokens(dst, text)
}
