// Package aggresult builds engine.AggResult values from a remote store's
// answers with the engine's conventions, so the plugin draws the same
// frames whichever store answered: date histograms hold every bucket of
// the range, terms are ordered and cut like the engine's, empty buckets
// carry empty sub-results, and metrics without values are NaN.
package aggresult

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// DefaultTermsSize is the engine's terms size when a request says 0.
const DefaultTermsSize = 10

// DefaultPercents are the engine's percentiles when a request names none.
var DefaultPercents = []float64{50, 95, 99}

// TermsSize is the number of buckets a terms aggregation returns.
func TermsSize(t *engine.TermsAgg) int {
	if t.Size == 0 {
		return DefaultTermsSize
	}
	return t.Size
}

// Percents are the percentiles a metric asks for.
func Percents(m *engine.MetricAgg) []float64 {
	if len(m.Percents) == 0 {
		return DefaultPercents
	}
	return m.Percents
}

// Check validates a request as the engine does, with its messages,
// including the bucket limit, before anything is sent.
func Check(req engine.AggRequest) error { return engine.CheckAggs(req) }

// DateBuckets returns the first epoch-aligned bucket start (Unix ns) and the
// number of buckets covering [start, end), as the engine's date histogram.
func DateBuckets(start, end time.Time, interval time.Duration) (origin int64, n int) {
	iv := int64(interval)
	s, e := start.UnixNano(), end.UnixNano()
	origin = floorDiv(s, iv) * iv
	if e <= origin {
		return origin, 0
	}
	return origin, int((e - origin + iv - 1) / iv)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// DateBucket is an empty date histogram bucket starting at ns.
func DateBucket(ns int64) engine.Bucket {
	return engine.Bucket{Key: time.Unix(0, ns).UTC().Format(time.RFC3339Nano), KeyNum: float64(ns / int64(time.Millisecond))}
}

// BoundBucket is an empty bucket of a histogram with bounds, keyed by its
// upper bound (+Inf for the last).
func BoundBucket(edge float64) engine.Bucket {
	return engine.Bucket{Key: strconv.FormatFloat(edge, 'g', -1, 64), KeyNum: edge}
}

// BoundEdges are the keys of a histogram with bounds: each bound, then +Inf.
func BoundEdges(bounds []float64) []float64 {
	return append(slices.Clone(bounds), math.Inf(1))
}

// Empty returns what specs yield for a bucket without events.
func Empty(specs []engine.Agg) []engine.AggValue {
	if len(specs) == 0 {
		return nil
	}
	out := make([]engine.AggValue, len(specs))
	for i, a := range specs {
		out[i].Name = a.Name
		switch {
		case a.Histogram != nil && len(a.Histogram.Bounds) > 0:
			for _, e := range BoundEdges(a.Histogram.Bounds) {
				b := BoundBucket(e)
				b.Aggs = Empty(a.Subs)
				out[i].Buckets = append(out[i].Buckets, b)
			}
		case a.Metric != nil:
			out[i].Metric = EmptyMetric(a.Metric)
		}
	}
	return out
}

// EmptyMetric is a metric over no values.
func EmptyMetric(m *engine.MetricAgg) *engine.MetricValue {
	nan := math.NaN()
	v := &engine.MetricValue{Min: nan, Max: nan, Avg: nan}
	if m.Kind == engine.MetricPercentiles {
		for _, p := range Percents(m) {
			v.Percentiles = append(v.Percentiles, engine.Percentile{Percent: p, Value: nan})
		}
	}
	return v
}

// SortTerms orders terms buckets as the engine does: by count descending
// then key, or by key (numbers numerically, before text).
func SortTerms(buckets []engine.Bucket, byKey bool) {
	slices.SortStableFunc(buckets, func(a, b engine.Bucket) int {
		if !byKey {
			if c := cmp.Compare(b.DocCount, a.DocCount); c != 0 {
				return c
			}
		}
		return CompareKeys(a.Key, b.Key)
	})
}

// CompareKeys orders term keys: numbers numerically, before text.
func CompareKeys(a, b string) int {
	fa, ea := strconv.ParseFloat(a, 64)
	fb, eb := strconv.ParseFloat(b, 64)
	switch {
	case ea == nil && eb == nil:
		if c := cmp.Compare(fa, fb); c != 0 {
			return c
		}
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Cut keeps the first size sorted buckets and returns the doc count of the rest.
func Cut(buckets []engine.Bucket, size int) ([]engine.Bucket, int64) {
	if len(buckets) <= size {
		return buckets, 0
	}
	var other int64
	for _, b := range buckets[size:] {
		other += b.DocCount
	}
	return buckets[:size], other
}

// TermKey sets a terms bucket's numeric key when its key is a number.
func TermKey(key string) engine.Bucket {
	b := engine.Bucket{Key: key}
	if f, err := strconv.ParseFloat(key, 64); err == nil {
		b.KeyNum = f
	}
	return b
}
