package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// termMatcher matches `field:value`. Strings are matched by tokens: the
// value is tokenized like the field's values and must occur as a phrase
// (Quickwit's rule for a term that tokenizes into several words, e.g.
// connection-reset); for raw fields that is the whole value, case
// included. Numbers, booleans, datetimes and IPs compare typed.
type termMatcher struct {
	q   queryScalar
	tok split.Tokenizer
	seq tokenSeq
}

func newTermMatcher(fi query.FieldInfo, v query.Value, tok string) *termMatcher {
	m := &termMatcher{q: newQueryScalar(v), tok: split.TokenizerOf(tok)}
	if m.q.hasText {
		m.seq = newTokenSeq(m.tok, m.q.text, false)
	}
	return m
}

func (m *termMatcher) match(v *event.Value) bool {
	if v.Kind == event.KindString {
		return m.q.hasText && m.seq.match(v.Str)
	}
	c, ok := compareRow(v, &m.q)
	return ok && c == 0
}

func (m *termMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, m.tok, func(s *split.Split, field string) (*roaring.Bitmap, error) {
		if !m.q.hasText {
			return roaring.New(), nil
		}
		return m.seq.granules(s, field)
	}, func(k event.Kind) (*roaring.Bitmap, error) {
		t, ok := m.q.termText(k)
		if !ok {
			return roaring.New(), nil
		}
		return s.LookupTerm(field, t)
	})
}

func (m *termMatcher) mayMatchChunk(cm *column.ChunkMeta) bool {
	return chunkMayHold(cm, &m.q, &m.q, true, true, m.tok == split.TokRaw)
}
