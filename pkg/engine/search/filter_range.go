package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// rangeMatcher matches `field:[a TO b]`, `{…}` and comparisons: numbers
// numerically across integer and float kinds, datetimes and IPs by value,
// strings by byte order of the whole value. Blocks whose bounds fall
// outside the range are skipped without being read.
type rangeMatcher struct {
	lo, hi         *queryScalar
	loIncl, hiIncl bool
}

func newRangeMatcher(fi query.FieldInfo, lower, upper query.ValueBound) *rangeMatcher {
	m := &rangeMatcher{loIncl: lower.Inclusive, hiIncl: upper.Inclusive}
	if !lower.Unbounded {
		q := newQueryScalar(lower.Value)
		m.lo = &q
	}
	if !upper.Unbounded {
		q := newQueryScalar(upper.Value)
		m.hi = &q
	}
	return m
}

func (m *rangeMatcher) match(v *event.Value) bool {
	return inRange(v, m.lo, m.hi, m.loIncl, m.hiIncl)
}

// inRange reports whether v lies between lo and hi (nil: unbounded); a
// value that cannot be compared with a bound is outside. With both ends
// unbounded any value comparable with nothing still matches, as `[* TO *]`
// means "has a value".
func inRange(v *event.Value, lo, hi *queryScalar, loIncl, hiIncl bool) bool {
	if v.Kind == event.KindNull {
		return false
	}
	if lo != nil {
		c, ok := compareRow(v, lo)
		if !ok || c < 0 || (c == 0 && !loIncl) {
			return false
		}
	}
	if hi != nil {
		c, ok := compareRow(v, hi)
		if !ok || c > 0 || (c == 0 && !hiIncl) {
			return false
		}
	}
	return true
}

func (m *rangeMatcher) granules(*split.Split, string) (*roaring.Bitmap, error) { return nil, nil }

func (m *rangeMatcher) mayMatchChunk(cm *column.ChunkMeta) bool {
	return chunkMayHold(cm, m.lo, m.hi, m.loIncl, m.hiIncl, true)
}

// chunkMayHold reports whether a chunk can hold a value between lo and hi
// judging by its per-kind bounds. Kinds without bounds may hold anything;
// strings are judged only when strs is set (exact comparisons, not token
// matches).
func chunkMayHold(cm *column.ChunkMeta, lo, hi *queryScalar, loIncl, hiIncl, strs bool) bool {
	for _, k := range cm.Kinds {
		if k == event.KindNull {
			continue
		}
		// IP bounds are text order, not address order.
		if k == event.KindIP || (k == event.KindString && !strs) {
			return true
		}
		b, ok := findBounds(cm.Bounds, k)
		if !ok {
			return true
		}
		minV, maxV := boundValues(b)
		// The chunk overlaps [lo, hi] when its max is not below lo and its
		// min is not above hi.
		if lo != nil {
			c, ok := compareRow(&maxV, lo)
			if !ok || c < 0 || (c == 0 && !loIncl) {
				continue
			}
		}
		if hi != nil {
			c, ok := compareRow(&minV, hi)
			if !ok || c > 0 || (c == 0 && !hiIncl) {
				continue
			}
		}
		return true
	}
	return false
}

func findBounds(bs []column.Bounds, k event.Kind) (column.Bounds, bool) {
	for _, b := range bs {
		if b.Kind == k {
			return b, true
		}
	}
	return column.Bounds{}, false
}

// boundValues turns a chunk's bounds into the min and max values.
func boundValues(b column.Bounds) (lo, hi event.Value) {
	switch b.Kind {
	case event.KindInt64:
		lo, hi = event.Int64Value(b.MinInt), event.Int64Value(b.MaxInt)
	case event.KindTime:
		lo, hi = event.TimeNanosValue(b.MinInt), event.TimeNanosValue(b.MaxInt)
	case event.KindUint64:
		lo, hi = event.Uint64Value(b.MinUint), event.Uint64Value(b.MaxUint)
	case event.KindFloat64:
		lo, hi = event.Float64Value(float64(b.MinFloat)), event.Float64Value(float64(b.MaxFloat))
	case event.KindString, event.KindIP:
		lo.Str, hi.Str = b.MinStr, b.MaxStr
	}
	lo.Kind, hi.Kind = b.Kind, b.Kind
	return lo, hi
}
