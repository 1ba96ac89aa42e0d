package quickwit

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// The tokenizer names as Quickwit spells them; the oracle keeps its own
// copy so that it restates Quickwit rather than the engine.
const (
	oracleRaw        = "raw"
	oracleLowercase  = "lowercase"
	oracleWhitespace = "whitespace"
)

// The oracle below restates Quickwit's tokenizers (quickwit-query's
// tokenizer manager: tantivy's SimpleTokenizer, RawTokenizer and
// WhitespaceTokenizer with RemoveLongFilter(255) and LowerCaser) the plain
// way, rune by rune, so that the engine's fast paths are checked against
// it rather than against themselves.

// Token is one token the oracle produces; dropped marks a token removed
// by RemoveLongFilter (its position stays taken).
type Token struct {
	Text    string
	Dropped bool
}

// Alphanumeric is char::is_alphanumeric: char::is_alphabetic (the
// derived Alphabetic property = Lu+Ll+Lt+Lm+Lo+Nl+Other_Alphabetic, with
// Lowercase and Uppercase including Other_Lowercase and Other_Uppercase)
// or char::is_numeric (general categories Nd, Nl, No).
func Alphanumeric(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl,
		unicode.Other_Alphabetic, unicode.Other_Lowercase, unicode.Other_Uppercase, unicode.Nd, unicode.No)
}

// ToLowercase is str built from char::to_lowercase of every char.
func ToLowercase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\u0130' { // SpecialCasing.txt: 0130; 0069 0307
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func Tokens(tok, text string) []Token {
	var words []string
	switch tok {
	case oracleRaw, oracleLowercase:
		words = []string{text}
	case oracleWhitespace:
		words = strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' })
	default:
		words = strings.FieldsFunc(text, func(r rune) bool { return !Alphanumeric(r) })
	}
	out := make([]Token, len(words))
	for i, w := range words {
		switch tok {
		case oracleRaw:
			out[i] = Token{w, len(w) >= 255}
		case oracleLowercase: // LowerCaser, then RemoveLongFilter
			lw := ToLowercase(w)
			out[i] = Token{lw, len(lw) >= 255}
		case oracleWhitespace: // no filters
			out[i] = Token{w, false}
		default: // RemoveLongFilter, then LowerCaser
			out[i] = Token{ToLowercase(w), len(w) >= 255}
		}
	}
	return out
}

// Terms is what the oracle indexes: the tokens not dropped.
func Terms(tok, text string) []string {
	var out []string
	for _, t := range Tokens(tok, text) {
		if !t.Dropped {
			out = append(out, t.Text)
		}
	}
	return out
}

// RandomText builds strings full of what tokenizers disagree on:
// punctuation, Unicode letters, digits and marks, whitespace of every
// kind, tokens near and over 255 bytes, invalid UTF-8.
func RandomText(r *rand.Rand) string {
	pieces := []string{"a", "Z", "9", "_", ".", "-", "/", "@", ":", "=", " ", "\t", "\n", "\f", "\r", "\v", "\u00a0",
		"é", "e\u0301", "ß", "İ", "\u212a", "Σ", "ς", "東", "タ", "١", "²", "Ⅻ", "ⅻ", "Ⓐ", "ⓩ", "ª", "\u0345", "🎉", "☃",
		"\xff", "\u200b", "ǅ", "ﬁ", "Timeout", "com.shop.Payment", "i/o", "HTTP/1.1"}
	var b strings.Builder
	for n := r.IntN(12); n > 0; n-- {
		if r.IntN(20) == 0 {
			c := pieces[r.IntN(3)]
			b.WriteString(strings.Repeat(c, 240+r.IntN(30)))
			continue
		}
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}
