package engine

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/query"
)

// termMatcher matches `field:value`. Strings of a default-tokenized field
// match when they contain the value's tokens as a phrase (Quickwit's rule
// for a term that tokenizes into several words, e.g. connection-reset);
// raw strings match the whole value exactly, case included; numbers,
// booleans, datetimes and IPs compare typed.
type termMatcher struct {
	q   queryScalar
	raw bool
	seq tokenSeq
}

func newTermMatcher(fi query.FieldInfo, v query.Value, tok string) *termMatcher {
	m := &termMatcher{q: newQueryScalar(v), raw: tok == TokenizerRaw}
	if m.q.hasText && !m.raw {
		toks := tokenize(m.q.text)
		m.seq = newTokenSeq(toks, false)
	}
	return m
}

func (m *termMatcher) match(v *Value) bool {
	if v.Kind == KindString {
		if !m.q.hasText {
			return false
		}
		if m.raw {
			return v.Str == m.q.text
		}
		return len(m.seq.toks) > 0 && m.seq.match(v.Str)
	}
	c, ok := compareRow(v, &m.q)
	return ok && c == 0
}

func (m *termMatcher) granules(s *Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, func(tok string) (*roaring.Bitmap, error) {
		switch {
		case !m.q.hasText:
			return roaring.New(), nil
		case (tok == TokenizerRaw) != m.raw:
			return nil, nil // indexed and matched differently: no narrowing
		case tok == TokenizerRaw:
			return s.LookupTerm(field, m.q.text)
		case len(m.seq.toks) == 0:
			return roaring.New(), nil
		}
		return s.LookupAllTerms(field, dedupe(m.seq.toks))
	}, func(k Kind) (*roaring.Bitmap, error) {
		t, ok := m.q.termText(k)
		if !ok {
			return roaring.New(), nil
		}
		return s.LookupTerm(field, t)
	})
}

func (m *termMatcher) mayMatchChunk(cm *ChunkMeta) bool {
	return chunkMayHold(cm, &m.q, &m.q, true, true, m.raw)
}
