package engine

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// phraseMatcher matches `field:"connection reset"` (and, with prefix,
// `"connection res"*`). On default-tokenized text the words must appear
// adjacent and in order among the value's tokens; on raw values the whole
// value must equal the text (or start with it, with prefix). Values that
// are not strings (dynamic fields) compare by their text form.
type phraseMatcher struct {
	text   string
	raw    bool
	seq    tokenSeq
	prefix bool
}

func newPhraseMatcher(text string, prefix bool, tok string) *phraseMatcher {
	m := &phraseMatcher{text: text, raw: tok == TokenizerRaw, prefix: prefix}
	if !m.raw {
		m.seq = newTokenSeq(tokenize(text), prefix)
	}
	return m
}

func (m *phraseMatcher) match(v *Value) bool {
	s := v.Text()
	if v.Kind != KindString || m.raw {
		if m.prefix {
			return strings.HasPrefix(s, m.text)
		}
		return s == m.text
	}
	return m.seq.match(s)
}

func (m *phraseMatcher) granules(s *Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, func(tok string) (*roaring.Bitmap, error) {
		if (tok == TokenizerRaw) != m.raw {
			return nil, nil // indexed and matched differently: no narrowing
		}
		if m.raw {
			if m.prefix {
				return s.LookupPrefix(field, m.text)
			}
			return s.LookupTerm(field, m.text)
		}
		return m.seq.granules(s, field)
	}, func(Kind) (*roaring.Bitmap, error) {
		if m.prefix {
			return s.LookupPrefix(field, m.text)
		}
		return s.LookupTerm(field, m.text)
	})
}

func (m *phraseMatcher) mayMatchChunk(*ChunkMeta) bool { return true }

// textGranules unites, over the kinds field holds in s, the candidates of a
// text predicate: str looks string values up (given the split's tokenizer),
// other looks up values indexed by their text. Floats and datetimes are
// not in the term index, so a field holding them cannot be narrowed.
func textGranules(s *Split, field string, str func(tok string) (*roaring.Bitmap, error), other func(Kind) (*roaring.Bitmap, error)) (*roaring.Bitmap, error) {
	fm, ok := s.Meta.Fields[field]
	if !ok {
		return roaring.New(), nil
	}
	if !fm.Indexed {
		return nil, nil
	}
	out := roaring.New()
	for _, k := range fm.Kinds {
		var b *roaring.Bitmap
		var err error
		switch k {
		case KindNull:
			continue
		case KindString:
			b, err = str(fm.Tokenizer)
		case KindInt64, KindUint64, KindBool, KindIP:
			b, err = other(k)
		default:
			return nil, nil
		}
		if err != nil || b == nil {
			return nil, err
		}
		out.Or(b)
	}
	return out, nil
}

// tokenSeq is a run of query tokens to find adjacent and in order among a
// value's default-tokenizer tokens; with prefix the last one only has to
// start a token.
type tokenSeq struct {
	toks   []string
	prefix bool
	// needles pre-check ASCII tokens as substrings; nil for other tokens.
	needles []*foldNeedle
	buf     []string
}

func newTokenSeq(toks []string, prefix bool) tokenSeq {
	ts := tokenSeq{toks: toks, prefix: prefix && len(toks) > 0, needles: make([]*foldNeedle, len(toks))}
	for i, t := range toks {
		if isASCII(t) {
			nd := newFoldNeedle(t)
			ts.needles[i] = &nd
		}
	}
	return ts
}

// match tokenizes s (after a cheap substring pre-check) and looks for the run.
func (ts *tokenSeq) match(s string) bool {
	if len(ts.toks) > 0 && isASCII(s) {
		for _, nd := range ts.needles {
			if nd != nil && !containsFoldASCII(s, nd) {
				return false
			}
		}
	}
	ts.buf = appendTokens(ts.buf[:0], s)
	return ts.matchTokens(ts.buf)
}

func (ts *tokenSeq) matchTokens(row []string) bool {
	n := len(ts.toks)
	if n == 0 {
		return len(row) == 0
	}
	for i := 0; i+n <= len(row); i++ {
		ok := true
		for j := 0; j < n && ok; j++ {
			if j == n-1 && ts.prefix {
				ok = strings.HasPrefix(row[i+j], ts.toks[j])
			} else {
				ok = row[i+j] == ts.toks[j]
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// granules looks up granules holding every token (the last as a prefix).
func (ts *tokenSeq) granules(s *Split, field string) (*roaring.Bitmap, error) {
	n := len(ts.toks)
	if n == 0 {
		return nil, nil
	}
	whole := ts.toks
	if ts.prefix {
		whole = ts.toks[:n-1]
	}
	var out *roaring.Bitmap
	if len(whole) > 0 {
		b, err := s.LookupAllTerms(field, dedupe(whole))
		if err != nil {
			return nil, err
		}
		out = b
	}
	if ts.prefix {
		b, err := s.LookupPrefix(field, ts.toks[n-1])
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

func dedupe(toks []string) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
		if equalFoldASCII(s[i-k:i-k+n], nd.sub) {
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

// equalFoldASCII compares s with the lower-case sub, ignoring ASCII case in s.
func equalFoldASCII(s, sub string) bool {
	for i := 0; i < len(sub); i++ {
		if lowerASCII(s[i]) != sub[i] {
			return false
		}
	}
	return true
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

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// endsInWord reports whether s ends with a letter or digit, so that its
// last token may continue in a value (`timeo*`) rather than being complete
// (`/api/v1/*`).
func endsInWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
