package search

import (
	"encoding/json"
	"net/netip"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// arrayMatcher matches a mapped array<T> field, stored as the JSON text of
// its elements: a row matches when any element, typed back to T, matches
// the inner predicate (as in Quickwit). Only text arrays can use the term
// index, whose tokens of the JSON text are the tokens of the elements.
type arrayMatcher struct {
	inner leafMatcher
	elem  event.Kind
	vals  []event.Value
}

func (m *arrayMatcher) match(v *event.Value) bool {
	if v.Kind != event.KindString {
		return m.inner.match(v)
	}
	vals, ok := m.elements(v.Str)
	if !ok {
		return m.inner.match(v)
	}
	for i := range vals {
		if m.inner.match(&vals[i]) {
			return true
		}
	}
	return false
}

// elements decodes an array's JSON text into typed values.
func (m *arrayMatcher) elements(text string) ([]event.Value, bool) {
	if !strings.HasPrefix(text, "[") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return nil, false
	}
	m.vals = m.vals[:0]
	for _, e := range raw {
		switch x := e.(type) {
		case string:
			m.vals = append(m.vals, m.typedString(x))
		case json.Number:
			if n, err := x.Int64(); err == nil && m.elem != event.KindUint64 && m.elem != event.KindFloat64 {
				m.vals = append(m.vals, event.Int64Value(n))
			} else if u, ok := parseUint(x.String()); ok && m.elem == event.KindUint64 {
				m.vals = append(m.vals, event.Uint64Value(u))
			} else if f, err := x.Float64(); err == nil {
				m.vals = append(m.vals, event.Float64Value(f))
			}
		case bool:
			m.vals = append(m.vals, event.BoolValue(x))
		}
	}
	return m.vals, true
}

// typedString restores an element the array kept as text: IPs and
// datetimes are written as strings.
func (m *arrayMatcher) typedString(s string) event.Value {
	switch m.elem {
	case event.KindIP:
		if a, err := netip.ParseAddr(s); err == nil {
			return event.IPValue(a.Unmap().String())
		}
	case event.KindTime:
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return event.TimeValue(t)
		}
	}
	return event.StringValue(s)
}

func (m *arrayMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	if m.elem != event.KindString {
		return nil, nil
	}
	return m.inner.granules(s, field)
}

func (m *arrayMatcher) mayMatchChunk(*column.ChunkMeta) bool { return true }
