package split

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/triage-logs/triage/pkg/engine/internal/quickwit"
)

// engineTokens renders the engine's tokens of text in the oracle's form.
func engineTokens(tok, text string) []quickwit.Token {
	t := TokenizerOf(tok)
	var out []quickwit.Token
	for _, sp := range t.AppendSpans(nil, text) {
		s := text[sp.Start:sp.End]
		if t.Lowers() {
			s = string(appendLower(nil, s))
		}
		out = append(out, quickwit.Token{Text: s, Dropped: sp.Gap})
	}
	return out
}

var allTokenizers = []string{TokenizerDefault, TokenizerRaw, TokenizerLowercase, TokenizerWhitespace}

// shortName keeps subtest names short when an input is huge.
func shortName(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

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
		t.Run(tc.tok+"/"+shortName(tc.in), func(t *testing.T) {
			if got := tokenStrings(engineTokens(tc.tok, tc.in)); !slices.Equal(got, tc.want) {
				t.Fatalf("tokens = %q, want %q", got, tc.want)
			}
			oracle := tokenStrings(quickwit.Tokens(tc.tok, tc.in))
			if !slices.Equal(oracle, tc.want) {
				t.Fatalf("oracle = %q, want %q: the oracle is wrong", oracle, tc.want)
			}
		})
	}
}

// tokenStrings renders tokens for the table: "-" for a dropped one.
func tokenStrings(toks []quickwit.Token) []string {
	var out []string
	for _, tk := range toks {
		if tk.Dropped {
			out = append(out, "-")
		} else {
			out = append(out, tk.Text)
		}
	}
	return out
}

func TestTokenizersMatchOracleOnRandomText(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	for i := 0; i < 20_000; i++ {
		text := quickwit.RandomText(r)
		for _, tok := range allTokenizers {
			checkTokensAgainstOracle(t, tok, text)
		}
	}
}

func checkTokensAgainstOracle(t *testing.T, tok, text string) {
	t.Helper()
	got, want := engineTokens(tok, text), quickwit.Tokens(tok, text)
	if !slices.Equal(got, want) {
		t.Fatalf("%s tokens of %q:\n got %+v\nwant %+v", tok, text, got, want)
	}
	set := map[string]struct{}{}
	var x termIndexer
	x.add(set, TokenizerOf(tok), text)
	wantSet := map[string]struct{}{}
	for _, term := range quickwit.Terms(tok, text) {
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
		if got := LowerMatches(tc.raw, tc.q, tc.prefix); got != tc.want {
			t.Errorf("lowerMatches(%q, %q, %v) = %v, want %v", tc.raw, tc.q, tc.prefix, got, tc.want)
		}
		lowered := quickwit.ToLowercase(tc.raw)
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
// Tokenizer.
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
				x.add(set, TokDefault, m)
			}
			clear(set)
		}
	})
}
