package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// setMatcher matches `field:IN [a b c]`: any of its terms.
type setMatcher struct{ terms []*termMatcher }

func newSetMatcher(fi query.FieldInfo, vals []query.Value, tok string) *setMatcher {
	m := &setMatcher{terms: make([]*termMatcher, len(vals))}
	for i, v := range vals {
		m.terms[i] = newTermMatcher(fi, v, tok)
	}
	return m
}

func (m *setMatcher) match(v *event.Value) bool {
	for _, t := range m.terms {
		if t.match(v) {
			return true
		}
	}
	return false
}

func (m *setMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	out := roaring.New()
	for _, t := range m.terms {
		b, err := t.granules(s, field)
		if err != nil || b == nil {
			return nil, err
		}
		out.Or(b)
	}
	return out, nil
}

func (m *setMatcher) mayMatchChunk(cm *column.ChunkMeta) bool {
	for _, t := range m.terms {
		if t.mayMatchChunk(cm) {
			return true
		}
	}
	return false
}
