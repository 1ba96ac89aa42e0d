package server

import (
	"math"

	"github.com/triage-logs/triage/pkg/engine"
)

// A range aggregation inside another (a heatmap: latency ranges in each
// date_histogram bucket, as the Quickwit adapter and Grafana's heatmaps
// send it) cannot be run as one filtered pass per range the way a
// top-level one is. When its ranges tile the whole line, from * to *
// without gaps, it is one engine histogram with explicit bounds: the
// engine's bucket (b[i-1], b[i]] holds exactly the values of the range
// [from, to) with b[i] the float just below to, so counts are exact.

// nestRange turns a nested range spec into an engine histogram, or says
// why it cannot be nested.
func nestRange(s *aggSpec) (ok bool, why string) {
	if len(s.subs) > 0 {
		return false, "without sub-aggregations"
	}
	n := len(s.ranges)
	if n < 2 || s.ranges[0].from != nil || s.ranges[n-1].to != nil {
		return false, "when its ranges run from * to *"
	}
	bounds := make([]float64, 0, n-1)
	for i := 1; i < n; i++ {
		prev, cur := s.ranges[i-1], s.ranges[i]
		if prev.to == nil || cur.from == nil || *prev.to != *cur.from {
			return false, "when each range starts where the one before ends"
		}
		b := math.Nextafter(*prev.to, math.Inf(-1))
		if len(bounds) > 0 && b <= bounds[len(bounds)-1] {
			return false, "when its ranges are in increasing order"
		}
		bounds = append(bounds, b)
	}
	s.eng.Histogram = &engine.HistogramAgg{Field: s.rangeField, Bounds: bounds}
	return true, ""
}

// nestedRange reports a range spec computed as an engine histogram.
func nestedRange(s *aggSpec) bool { return s.kind == "range" && s.eng.Histogram != nil }

// renderNestedRange renders the engine histogram of a nested range in the
// range aggregation's shape, one bucket per requested range, in order.
func renderNestedRange(s *aggSpec, v engine.AggValue) map[string]any {
	bounds := s.eng.Histogram.Bounds
	counts := make([]int64, len(s.ranges))
	for _, b := range v.Buckets {
		i := len(bounds) // above every bound: the last, open range
		for j, bound := range bounds {
			if b.KeyNum <= bound {
				i = j
				break
			}
		}
		counts[i] += b.DocCount
	}
	buckets := make([]rangeBucket, len(s.ranges))
	for i, r := range s.ranges {
		buckets[i] = rangeBucket{spec: r, docCount: counts[i]}
	}
	return renderRange(s, buckets)
}
