package engine

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// The oracle below restates Quickwit's tokenizers (quickwit-query's
// tokenizer manager: tantivy's SimpleTokenizer, RawTokenizer and
// WhitespaceTokenizer with RemoveLongFilter(255) and LowerCaser) the plain
// way, rune by rune, so that the engine's fast paths are checked against
// it rather than against themselves.

// qwToken is one token the oracle produces; dropped marks a token removed
// by RemoveLongFilter (its position stays taken).
type qwToken struct {
	text    string
	dropped bool
}

// rustAlphanumeric is char::is_alphanumeric: char::is_alphabetic (the
// derived Alphabetic property = Lu+Ll+Lt+Lm+Lo+Nl+Other_Alphabetic, with
// Lowercase and Uppercase including Other_Lowercase and Other_Uppercase)
// or char::is_numeric (general categories Nd, Nl, No).
func rustAlphanumeric(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl,
		unicode.Other_Alphabetic, unicode.Other_Lowercase, unicode.Other_Uppercase, unicode.Nd, unicode.No)
}

// rustToLowercase is str built from char::to_lowercase of every char.
func rustToLowercase(s string) string {
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

func quickwitTokens(tok, text string) []qwToken {
	var words []string
	switch tok {
	case TokenizerRaw, TokenizerLowercase:
		words = []string{text}
	case TokenizerWhitespace:
		words = strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' })
	default:
		words = strings.FieldsFunc(text, func(r rune) bool { return !rustAlphanumeric(r) })
	}
	out := make([]qwToken, len(words))
	for i, w := range words {
		switch tok {
		case TokenizerRaw:
			out[i] = qwToken{w, len(w) >= 255}
		case TokenizerLowercase: // LowerCaser, then RemoveLongFilter
			lw := rustToLowercase(w)
			out[i] = qwToken{lw, len(lw) >= 255}
		case TokenizerWhitespace: // no filters
			out[i] = qwToken{w, false}
		default: // RemoveLongFilter, then LowerCaser
			out[i] = qwToken{rustToLowercase(w), len(w) >= 255}
		}
	}
	return out
}

// quickwitTerms is what the oracle indexes: the tokens not dropped.
func quickwitTerms(tok, text string) []string {
	var out []string
	for _, t := range quickwitTokens(tok, text) {
		if !t.dropped {
			out = append(out, t.text)
		}
	}
	return out
}

// engineTokens renders the engine's tokens of text in the oracle's form.
func engineTokens(tok, text string) []qwToken {
	t := tokenizerOf(tok)
	var out []qwToken
	for _, sp := range t.appendSpans(nil, text) {
		s := text[sp.start:sp.end]
		if t.lowers() {
			s = string(appendLower(nil, s))
		}
		out = append(out, qwToken{s, sp.gap})
	}
	return out
}

var allTokenizers = []string{TokenizerDefault, TokenizerRaw, TokenizerLowercase, TokenizerWhitespace}

func TestTokenizersMatchQuickwit(t *testing.T) {
	long := strings.Repeat("x", 255)
	cases := []struct {
		tok, in string
		want    []string // "-" marks a dropped token
	}{
		// The contract's examples and tantivy's own unit tests.
		{TokenizerDefault, "com.shop.payment.timeout.Handler", []string{"com", "shop", "payment", "timeout", "handler"}},
		{TokenizerDefault, "i/o timeout-a", []string{"i", "o", "timeout", "a"}},
		{TokenizerDefault, "hello, happy tax payer!", []string{"hello", "happy", "tax", "payer"}},
		{TokenizerDefault, "Русский текст", []string{"русский", "текст"}},
		{TokenizerDefault, "user_id=abc-123 3.14", []string{"user", "id", "abc", "123", "3", "14"}},
		{TokenizerDefault, "e.mail@Example.COM", []string{"e", "mail", "example", "com"}},
		{TokenizerDefault, "東京タワー ١٢٣ x²y Ⓐb", []string{"東京タワー", "١٢٣", "x²y", "ⓐb"}},
		{TokenizerDefault, "café (NFD: cafe\u0301) ☃ 🎉ok", []string{"café", "nfd", "cafe", "ok"}},
		{TokenizerDefault, "İstanbul KELVIN\u212a", []string{"i\u0307stanbul", "kelvink"}},
		{TokenizerDefault, "a " + long + " b", []string{"a", "-", "b"}},
		{TokenizerDefault, "a " + long[:254] + " b", []string{"a", long[:254], "b"}},
		{TokenizerDefault, "", nil},
		{TokenizerDefault, " .-/ ", nil},
		{TokenizerRaw, "Mixed Case/Value", []string{"Mixed Case/Value"}},
		{TokenizerRaw, "", []string{""}},
		{TokenizerRaw, long, []string{"-"}},
		{TokenizerLowercase, "Mixed Case/Value", []string{"mixed case/value"}},
		// LowerCaser runs before RemoveLongFilter: İ grows from 2 to 3 bytes.
		{TokenizerLowercase, strings.Repeat("İ", 85), []string{"-"}},
		{TokenizerLowercase, strings.Repeat("İ", 84), []string{strings.Repeat("i\u0307", 84)}},
		// tantivy's WhitespaceTokenizer: ASCII whitespace only, case kept.
		{TokenizerWhitespace, "Hello, happy tax payer!", []string{"Hello,", "happy", "tax", "payer!"}},
		{TokenizerWhitespace, "a\u00a0b\tc\u000bd", []string{"a\u00a0b", "c\u000bd"}},
		{TokenizerWhitespace, long, []string{long}},
	}
	for _, tc := range cases {
		t.Run(tc.tok+"/"+truncateForError(tc.in), func(t *testing.T) {
			if got := tokenStrings(engineTokens(tc.tok, tc.in)); !slices.Equal(got, tc.want) {
				t.Fatalf("tokens = %q, want %q", got, tc.want)
			}
			oracle := tokenStrings(quickwitTokens(tc.tok, tc.in))
			if !slices.Equal(oracle, tc.want) {
				t.Fatalf("oracle = %q, want %q: the oracle is wrong", oracle, tc.want)
			}
		})
	}
}

// tokenStrings renders tokens for the table: "-" for a dropped one.
func tokenStrings(toks []qwToken) []string {
	var out []string
	for _, tk := range toks {
		if tk.dropped {
			out = append(out, "-")
		} else {
			out = append(out, tk.text)
		}
	}
	return out
}

// tokenText builds strings full of what tokenizers disagree on:
// punctuation, Unicode letters, digits and marks, whitespace of every
// kind, tokens near and over 255 bytes, invalid UTF-8.
func tokenText(r *rand.Rand) string {
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

func TestTokenizersMatchOracleOnRandomText(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	for i := 0; i < 20_000; i++ {
		text := tokenText(r)
		for _, tok := range allTokenizers {
			checkTokensAgainstOracle(t, tok, text)
		}
	}
}

func checkTokensAgainstOracle(t *testing.T, tok, text string) {
	t.Helper()
	got, want := engineTokens(tok, text), quickwitTokens(tok, text)
	if !slices.Equal(got, want) {
		t.Fatalf("%s tokens of %q:\n got %+v\nwant %+v", tok, text, got, want)
	}
	set := map[string]struct{}{}
	var x termIndexer
	x.add(set, tokenizerOf(tok), text)
	wantSet := map[string]struct{}{}
	for _, term := range quickwitTerms(tok, text) {
		wantSet[term] = struct{}{}
	}
	if !maps.Equal(set, wantSet) {
		t.Fatalf("%s: indexed terms of %q are %v, want %v", tok, text, set, wantSet)
	}
}

// FuzzTokenize checks every tokenizer against the oracle on any text.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"com.shop.payment.timeout.Handler", "i/o timeout-a", "İstanbul \u212a x²", "a\u00a0b\tc", strings.Repeat("ab", 130), "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			// Values reach the tokenizer valid: JSON decoding replaces bad
			// bytes with U+FFFD, as Rust's &str requires.
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		for _, tok := range allTokenizers {
			checkTokensAgainstOracle(t, tok, text)
		}
	})
}

func TestLowerMatches(t *testing.T) {
	cases := []struct {
		raw, q string
		prefix bool
		want   bool
	}{
		{"TimeOut", "timeout", false, true},
		{"TimeOut", "time", true, true},
		{"TimeOut", "timeouts", true, false},
		{"Straße", "straße", false, true},
		{"İstanbul", "i\u0307stanbul", false, true},
		{"İstanbul", "i", true, true},
		{"İstanbul", "istanbul", false, false},
		{"\u212aelvin", "kelvin", false, true},
		{"Σίσυφος", "σίσυφος", false, true},
		{"ÉCOLE", "éc", true, true},
		{"ÉCOLE", "ecole", false, false},
	}
	for _, tc := range cases {
		if got := lowerMatches(tc.raw, tc.q, tc.prefix); got != tc.want {
			t.Errorf("lowerMatches(%q, %q, %v) = %v, want %v", tc.raw, tc.q, tc.prefix, got, tc.want)
		}
		lowered := rustToLowercase(tc.raw)
		want := lowered == tc.q || tc.prefix && strings.HasPrefix(lowered, tc.q)
		if want != tc.want {
			t.Errorf("case %q/%q disagrees with the oracle", tc.raw, tc.q)
		}
	}
}

// oldTokenize is the tokenizer of split format terms version 0 (bleve's
// Unicode word segmenter, lower-cased), kept to benchmark against.
func oldTokenize(dst []string, text string) []string {
	stream := lowercase.NewLowerCaseFilter().Filter(bleveunicode.NewUnicodeTokenizer().Tokenize([]byte(text)))
	for _, t := range stream {
		dst = append(dst, string(t.Term))
	}
	return dst
}

// BenchmarkTokenizeMessages indexes the terms of incident-like messages,
// as the split writer does per granule, with the old and the new
// tokenizer.
func BenchmarkTokenizeMessages(b *testing.B) {
	events := fixtureEvents(4096, 7)
	msgs := make([]string, len(events))
	bytes := 0
	for i := range events {
		v, _ := events[i].Get("message")
		msgs[i] = "ERROR com.shop.payment.timeout.Handler: " + v.Str + " user=Alice@example.com path=/api/v1/users"
		bytes += len(msgs[i])
	}
	b.Run("bleve-unicode", func(b *testing.B) {
		set := map[string]struct{}{}
		var buf []string
		b.SetBytes(int64(bytes))
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range msgs {
				buf = oldTokenize(buf[:0], m)
				for _, t := range buf {
					set[t] = struct{}{}
				}
			}
			clear(set)
		}
	})
	b.Run("quickwit-default", func(b *testing.B) {
		set := map[string]struct{}{}
		var x termIndexer
		b.SetBytes(int64(bytes))
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range msgs {
				x.add(set, tokDefault, m)
			}
			clear(set)
		}
	})
}
