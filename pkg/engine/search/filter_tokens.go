package search

import (
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// tokenSeq is a query's tokens to find adjacent and in order among a
// value's tokens (a phrase, or a term that tokenizes into several words);
// with prefix the last one only has to start a token. A query gap (a token
// too long to index) matches any token; a value's gap matches no query
// token. With no tokens it matches nothing, as Quickwit's queries whose
// text tokenizes to nothing (zero_terms_query: none).
type tokenSeq struct {
	tok    split.Tokenizer
	q      split.QueryTokens
	prefix bool
	// needles pre-check ASCII tokens as case-folded substrings of ASCII
	// values (lower-casing tokenizers); nil entries are not checked.
	needles []*foldNeedle
	spans   []split.Span
}

func newTokenSeq(tok split.Tokenizer, text string, prefix bool) tokenSeq {
	q := tok.TokenizeQuery(text)
	if prefix {
		// A prefix whose last token was dropped for length cannot continue
		// it: the rest is an ordinary phrase.
		sp := tok.AppendSpans(nil, text)
		prefix = len(sp) > 0 && !sp[len(sp)-1].Gap
	}
	ts := tokenSeq{tok: tok, q: q, prefix: prefix && len(q.Toks) > 0}
	if tok.Lowers() {
		ts.needles = make([]*foldNeedle, len(q.Toks))
		for i, t := range q.Toks {
			if !q.Gap[i] && split.IsASCII(t) {
				nd := newFoldNeedle(t)
				ts.needles[i] = &nd
			}
		}
	}
	return ts
}

// empty reports whether the query text held no token at all.
func (ts *tokenSeq) empty() bool { return len(ts.q.Toks) == 0 }

// match tokenizes s (after a cheap substring pre-check) and looks for the run.
func (ts *tokenSeq) match(s string) bool {
	n := len(ts.q.Toks)
	if n == 0 {
		return false
	}
	if ts.tok.Whole() {
		return ts.matchWhole(s)
	}
	if !ts.precheck(s) {
		return false
	}
	ts.spans = ts.tok.AppendSpans(ts.spans[:0], s)
	for i := 0; i+n <= len(ts.spans); i++ {
		ok := true
		for j := 0; j < n && ok; j++ {
			ok = ts.tokenMatches(s, ts.spans[i+j], j)
		}
		if ok {
			return true
		}
	}
	return false
}

// matchWhole is match for the tokenizers that keep the value whole.
func (ts *tokenSeq) matchWhole(s string) bool {
	if ts.tok == split.TokRaw {
		if len(s) >= split.MaxTokenBytes {
			return false
		}
		if ts.prefix {
			return strings.HasPrefix(s, ts.q.Toks[0])
		}
		return s == ts.q.Toks[0]
	}
	return split.LowerLen(s) < split.MaxTokenBytes && split.LowerMatches(s, ts.q.Toks[0], ts.prefix)
}

// precheck rules a value out when a query token cannot be in it: a case-
// folded substring test for lower-casing tokenizers on ASCII values (other
// values may lower-case into ASCII: K, the Kelvin sign), a plain one for
// case-keeping tokenizers.
func (ts *tokenSeq) precheck(s string) bool {
	if ts.tok.Lowers() {
		if !split.IsASCII(s) {
			return true
		}
		for _, nd := range ts.needles {
			if nd != nil && !containsFoldASCII(s, nd) {
				return false
			}
		}
		return true
	}
	for i, t := range ts.q.Toks {
		if !ts.q.Gap[i] && !strings.Contains(s, t) {
			return false
		}
	}
	return true
}

// tokenMatches compares the value's token at sp with query token j.
func (ts *tokenSeq) tokenMatches(s string, sp split.Span, j int) bool {
	if ts.q.Gap[j] {
		return true
	}
	if sp.Gap {
		return false
	}
	raw, q := s[sp.Start:sp.End], ts.q.Toks[j]
	last := ts.prefix && j == len(ts.q.Toks)-1
	if !ts.tok.Lowers() {
		if last {
			return strings.HasPrefix(raw, q)
		}
		return raw == q
	}
	return split.LowerMatches(raw, q, last)
}

// granules looks up the granules holding every whole token (and, with
// prefix, a term starting with the last one); nil when nothing narrows.
func (ts *tokenSeq) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	n := len(ts.q.Toks)
	if n == 0 {
		return roaring.New(), nil
	}
	whole := ts.q
	if ts.prefix {
		whole = split.QueryTokens{Toks: ts.q.Toks[:n-1], Gap: ts.q.Gap[:n-1]}
	}
	var out *roaring.Bitmap
	if terms := whole.Terms(); len(terms) > 0 {
		b, err := s.LookupAllTerms(field, terms)
		if err != nil {
			return nil, err
		}
		out = b
	}
	if ts.prefix {
		b, err := s.LookupPrefix(field, ts.q.Toks[n-1])
		if err != nil {
			return nil, err
		}
		if out == nil {
			return b, nil
		}
		out.And(b)
	}
	return out, nil
}

// foldNeedle is a lower-case ASCII word prepared for containsFoldASCII:
// its rarest byte, in both cases, is the anchor searched for.
type foldNeedle struct {
	sub    string
	k      int
	lo, up byte
}

func newFoldNeedle(sub string) foldNeedle {
	n := foldNeedle{sub: sub}
	if sub == "" {
		return n
	}
	n.k = rarestByte(sub)
	n.lo, n.up = sub[n.k], sub[n.k]
	if 'a' <= n.lo && n.lo <= 'z' {
		n.up = n.lo - 'a' + 'A'
	}
	return n
}

// containsFoldASCII reports whether s contains the needle's word, ignoring
// ASCII case in s. It looks for the needle's anchor with the vectorised
// strings.IndexByte and compares around each hit, so most of a long log
// line is skipped rather than compared byte by byte.
func containsFoldASCII(s string, nd *foldNeedle) bool {
	n, k := len(nd.sub), nd.k
	if n == 0 {
		return true
	}
	// Anchor positions run from k to len(s)-n+k.
	for i := k; i <= len(s)-n+k; {
		j := indexEither(s[i:len(s)-n+k+1], nd.lo, nd.up)
		if j < 0 {
			return false
		}
		i += j
		if split.EqualFoldASCII(s[i-k:i-k+n], nd.sub) {
			return true
		}
		i++
	}
	return false
}

// indexEither is the first index in s of a or b, or -1.
func indexEither(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	if i >= 0 {
		s = s[:i]
	}
	if j := strings.IndexByte(s, b); j >= 0 {
		return j
	}
	return i
}

// letterRarity ranks lower-case letters and digits from rare to common in
// English and log text; other bytes count as rare.
const letterRarity = "qjzxkvbwyfgpmuhcdlsnroiate0123456789"

// rarestByte returns the index of sub's rarest byte, the best anchor.
func rarestByte(sub string) int {
	best, bestRank := 0, len(letterRarity)+1
	for i := 0; i < len(sub); i++ {
		r := strings.IndexByte(letterRarity, sub[i])
		if r < 0 {
			r = -1 // punctuation and the like: rarer still
		}
		if r < bestRank {
			best, bestRank = i, r
		}
	}
	return best
}

// endsInToken reports whether text's last char belongs to a token under
// tok, so that a prefix query's last token may continue in a value
// (`timeo*`) rather than being complete (`/api/v1/*`).
func endsInToken(tok split.Tokenizer, text string) bool {
	if text == "" {
		return false
	}
	switch tok {
	case split.TokDefault:
		r, _ := utf8.DecodeLastRuneInString(text)
		return split.IsAlnum(r)
	case split.TokWhitespace:
		return !split.ASCIISpace[text[len(text)-1]]
	}
	return true
}
