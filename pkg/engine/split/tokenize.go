package split

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/triage-logs/triage/pkg/engine/jsonscan"
)

// Text fields are tokenized exactly as Quickwit's tokenizers of the same
// names (quickwit-query's tokenizer manager over tantivy 0.2x):
//
//   - default: tantivy's SimpleTokenizer, which starts a token at every char
//     that is alphanumeric (Rust's char::is_alphanumeric: the Unicode
//     Alphabetic property or a Number category) and ends it at the next char
//     that is not; then RemoveLongFilter drops tokens of 255 bytes or more
//     (measured before lower-casing); then LowerCaser (char::to_lowercase).
//   - raw: the whole value, case kept; dropped when 255 bytes or more.
//   - lowercase: the whole value lower-cased; dropped when 255 bytes or more.
//   - whitespace: split on ASCII whitespace only (space, \t, \n, \f, \r),
//     case kept, no length limit.
//
// A dropped token keeps its position, as in tantivy: a phrase never matches
// across it, and a long token inside a query phrase matches any one token.
// The term index and the exact checks of queries both tokenize here, so they
// always agree; splits record the version of these rules (see
// TermsVersionQuickwit) so that a term index built with older rules is not
// trusted for them.

// Tokenizers of text fields.
const (
	TokenizerDefault    = "default"
	TokenizerRaw        = "raw"
	TokenizerLowercase  = "lowercase"
	TokenizerWhitespace = "whitespace"
)

// MaxTokenBytes is Quickwit's DEFAULT_REMOVE_TOKEN_LENGTH: tokens this long
// or longer are not indexed.
const MaxTokenBytes = 255

// Tokenizer is a tokenizer name compiled for the hot paths.
type Tokenizer uint8

const (
	TokDefault Tokenizer = iota
	TokRaw
	tokLowercase
	TokWhitespace
)

// TokenizerOf compiles a tokenizer name; "" and unknown names are raw, as
// the split writer treats a field without a spec.
func TokenizerOf(name string) Tokenizer {
	switch name {
	case TokenizerDefault:
		return TokDefault
	case TokenizerLowercase:
		return tokLowercase
	case TokenizerWhitespace:
		return TokWhitespace
	}
	return TokRaw
}

// Lowers reports whether the tokenizer lower-cases its tokens.
func (t Tokenizer) Lowers() bool { return t == TokDefault || t == tokLowercase }

// Whole reports whether the tokenizer keeps the value as one token.
func (t Tokenizer) Whole() bool { return t == TokRaw || t == tokLowercase }

// Span is one token of a value: its bytes before lower-casing. A dropped
// token (too long) is a gap: it holds a position but matches no term.
type Span struct {
	Start, End int
	Gap        bool
}

// AppendSpans appends the tokens of text.
func (t Tokenizer) AppendSpans(dst []Span, text string) []Span {
	switch t {
	case TokDefault:
		return appendSimpleSpans(dst, text)
	case TokWhitespace:
		return appendWhitespaceSpans(dst, text)
	case tokLowercase:
		return append(dst, Span{0, len(text), LowerLen(text) >= MaxTokenBytes})
	}
	return append(dst, Span{0, len(text), len(text) >= MaxTokenBytes})
}

// appendSimpleSpans splits on every char that is not alphanumeric; ASCII
// bytes are classified by table, other chars decoded and looked up.
func appendSimpleSpans(dst []Span, s string) []Span {
	i := 0
	for i < len(s) {
		if n := alnumAt(s, i); n < 0 {
			i -= n
			continue
		}
		start := i
		for i < len(s) {
			n := alnumAt(s, i)
			if n < 0 {
				break
			}
			i += n
		}
		dst = append(dst, Span{start, i, i-start >= MaxTokenBytes})
	}
	return dst
}

// alnumAt returns the byte length of the char at s[i], negated when it is
// not alphanumeric.
func alnumAt(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		if asciiAlnum[c] {
			return 1
		}
		return -1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if IsAlnum(r) {
		return n
	}
	return -n
}

// appendWhitespaceSpans splits on Rust's char::is_ascii_whitespace.
func appendWhitespaceSpans(dst []Span, s string) []Span {
	i := 0
	for i < len(s) {
		if ASCIISpace[s[i]] {
			i++
			continue
		}
		start := i
		for i < len(s) && !ASCIISpace[s[i]] {
			i++
		}
		dst = append(dst, Span{start, i, false})
	}
	return dst
}

var asciiAlnum, ASCIISpace [256]bool

func init() {
	for c := '0'; c <= '9'; c++ {
		asciiAlnum[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		asciiAlnum[c] = true
		asciiAlnum[c-'a'+'A'] = true
	}
	for _, c := range " \t\n\f\r" {
		ASCIISpace[c] = true
	}
}

// IsAlnum is Rust's char::is_alphanumeric: the Alphabetic property
// (letters, letter numbers, Other_Alphabetic, Other_Lowercase,
// Other_Uppercase) or a Number category (Nd, Nl, No).
func IsAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiAlnum[r]
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) ||
		unicode.In(r, unicode.Other_Alphabetic, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// lowerRune appends Rust's char::to_lowercase of r: Unicode's simple
// lower-case mapping, plus SpecialCasing's one unconditional lower-case
// expansion (İ → i̇). Final sigma and locale rules are not applied, as in
// tantivy's LowerCaser.
func appendLowerRune(dst []byte, r rune) []byte {
	if r == 'İ' {
		return append(dst, "i\u0307"...)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// appendLower appends s lower-cased, with an ASCII fast path.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = appendLowerRune(dst, r)
		i += n
	}
	return dst
}

// LowerLen is len(lower(s)) without building it.
func LowerLen(s string) int {
	n := 0
	var buf [8]byte
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += len(appendLowerRune(buf[:0], r))
		i += size
	}
	return n
}

// QueryTokens is a query text tokenized like the values of its field: the
// terms in order, lower-cased where the tokenizer lower-cases, with gap[i]
// marking a position whose token was dropped for length. Gaps at either
// end are trimmed: they constrain nothing.
type QueryTokens struct {
	Toks []string
	Gap  []bool
}

// TokenizeQuery tokenizes query text for a field with tokenizer t.
func (t Tokenizer) TokenizeQuery(text string) QueryTokens {
	var q QueryTokens
	for _, sp := range t.AppendSpans(nil, text) {
		tok := text[sp.Start:sp.End]
		if t.Lowers() {
			tok = string(appendLower(nil, tok))
		}
		q.Toks = append(q.Toks, tok)
		q.Gap = append(q.Gap, sp.Gap)
	}
	for len(q.Gap) > 0 && q.Gap[0] {
		q.Toks, q.Gap = q.Toks[1:], q.Gap[1:]
	}
	for n := len(q.Gap); n > 0 && q.Gap[n-1]; n = len(q.Gap) {
		q.Toks, q.Gap = q.Toks[:n-1], q.Gap[:n-1]
	}
	return q
}

// Terms returns the distinct indexed terms of q (gaps left out).
func (q QueryTokens) Terms() []string {
	var out []string
	for i, t := range q.Toks {
		if !q.Gap[i] && !containsString(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Tokenize returns the default tokenizer's indexed terms of text, in order
// (gaps left out): what a bare word in a query is split into.
func Tokenize(text string) []string {
	var out []string
	for _, sp := range appendSimpleSpans(nil, text) {
		if !sp.Gap {
			out = append(out, string(appendLower(nil, text[sp.Start:sp.End])))
		}
	}
	return out
}

// termIndexer adds the indexed terms of values to a set without allocating
// for terms already there: ASCII tokens without capitals are substrings of
// the value, others are lower-cased into a scratch buffer first.
type termIndexer struct {
	spans []Span
	buf   []byte
}

func (x *termIndexer) add(set map[string]struct{}, t Tokenizer, text string) {
	x.spans = t.AppendSpans(x.spans[:0], text)
	for _, sp := range x.spans {
		if sp.Gap {
			continue
		}
		tok := text[sp.Start:sp.End]
		if !t.Lowers() || isLowerASCII(tok) {
			set[tok] = struct{}{}
			continue
		}
		x.buf = appendLower(x.buf[:0], tok)
		if _, ok := set[string(x.buf)]; !ok {
			set[string(x.buf)] = struct{}{}
		}
	}
}

// isLowerASCII reports whether s is ASCII without capitals: its own
// lower-case form.
func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TermsVersionQuickwit is SplitMeta.TermsVersion for term indexes built
// with the rules above. Splits of version 0 indexed default-tokenized text
// with bleve's Unicode word segmenter ("a.b" one term, "東京" two): their
// term index cannot answer for tokens of these rules, so lookups of such
// fields check every row of the split instead (see Split.termsMatch), and
// the merger rewrites those splits, re-tokenising them, when it is idle.
const TermsVersionQuickwit = 1

// TermsMatch reports whether the split's term index holds the terms a
// predicate tokenized with tok looks up in a field indexed with fieldTok.
func (s *Split) TermsMatch(fieldTok string, tok Tokenizer) bool {
	ft := TokenizerOf(fieldTok)
	return ft == tok && (ft == TokRaw || s.Meta.TermsVersion >= TermsVersionQuickwit)
}

// addElements adds the terms of each element of a JSON array (a mapped
// array field's stored form): strings tokenized by t, numbers and booleans
// as their text. A value that is not a JSON array is tokenized whole.
func (x *termIndexer) addElements(set map[string]struct{}, t Tokenizer, text string) {
	sc := jsonscan.Scanner{Buf: []byte(text)}
	if sc.Peek() != '[' {
		x.add(set, t, text)
		return
	}
	err := sc.Container(func() error {
		v, err := sc.Scalar()
		switch {
		case err != nil:
			return err
		case v.Kind == jsonscan.String:
			x.add(set, t, v.S)
		case v.Kind == jsonscan.Number:
			set[v.S] = struct{}{}
		case v.Kind == jsonscan.Bool:
			set[strconv.FormatBool(v.B)] = struct{}{}
		}
		return nil
	})
	if err != nil {
		x.add(set, t, text)
	}
}
