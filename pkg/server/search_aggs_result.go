package server

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
)

// rangeBucket is one bucket of a range aggregation, which the server
// computes with one filtered engine aggregation per range.
type rangeBucket struct {
	spec     aggRange
	docCount int64
	aggs     []engine.AggValue
}

// elasticAggResult renders engine results in Elasticsearch's response
// shape. values are in the order of engineAggs(specs); ranges holds the
// buckets of the range aggregations, by name.
func elasticAggResult(specs []*aggSpec, values []engine.AggValue, ranges map[string][]rangeBucket) map[string]any {
	out := make(map[string]any, len(specs))
	i := 0
	for _, s := range specs {
		if s.kind == "range" && !nestedRange(s) {
			out[s.name] = renderRange(s, ranges[s.name])
			continue
		}
		if i >= len(values) {
			break
		}
		if nestedRange(s) {
			out[s.name] = renderNestedRange(s, values[i])
		} else {
			out[s.name] = renderAgg(s, values[i])
		}
		i++
	}
	return out
}

func renderAgg(s *aggSpec, v engine.AggValue) map[string]any {
	if s.eng.Metric != nil {
		if v.Metric == nil {
			v.Metric = &engine.MetricValue{Min: math.NaN(), Max: math.NaN(), Avg: math.NaN()}
		}
		return elasticMetric(s, v.Metric)
	}
	buckets := s.shapeBuckets(v)
	rendered := make([]map[string]any, 0, len(buckets))
	var kept int64
	for _, b := range buckets {
		eb := elasticAggResult(s.subs, b.Aggs, nil)
		eb["key"] = bucketKey(s, b)
		if ks := s.keyAsString(b); ks != "" {
			eb["key_as_string"] = ks
		}
		eb["doc_count"] = b.DocCount
		kept += b.DocCount
		rendered = append(rendered, eb)
	}
	res := map[string]any{"buckets": rendered}
	if s.eng.Terms != nil {
		var all int64
		for _, b := range v.Buckets {
			all += b.DocCount
		}
		res["sum_other_doc_count"] = v.Other + all - kept
		res["doc_count_error_upper_bound"] = 0
	}
	return res
}

// shapeBuckets applies what Elasticsearch does around the engine's
// buckets: min_doc_count, extended bounds, and a terms order the engine
// does not produce, then the terms size.
func (s *aggSpec) shapeBuckets(v engine.AggValue) []engine.Bucket {
	buckets := v.Buckets
	if s.eng.DateHistogram != nil {
		buckets = s.trimDateBuckets(buckets)
	}
	if s.minDocCount > 0 {
		kept := buckets[:0:0]
		for _, b := range buckets {
			if b.DocCount >= int64(s.minDocCount) {
				kept = append(kept, b)
			}
		}
		buckets = kept
	}
	if s.eng.Terms != nil {
		if s.order != nil {
			buckets = slices.Clone(buckets)
			s.sortTerms(buckets)
		}
		if s.size > 0 && len(buckets) > s.size {
			buckets = buckets[:s.size]
		}
	}
	return buckets
}

// trimDateBuckets keeps, as Elasticsearch does, the buckets within
// extended_bounds, or without them the span from the first to the last
// non-empty bucket (the engine fills the whole query range).
func (s *aggSpec) trimDateBuckets(buckets []engine.Bucket) []engine.Bucket {
	if s.extBounds != nil {
		lo, hi := float64(s.extBounds[0]), float64(s.extBounds[1])
		iv := float64(s.eng.DateHistogram.Interval.Milliseconds())
		kept := buckets[:0:0]
		for _, b := range buckets {
			if b.KeyNum+iv > lo && b.KeyNum <= hi {
				kept = append(kept, b)
			}
		}
		return kept
	}
	first, last := -1, -1
	for i, b := range buckets {
		if b.DocCount > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return buckets[first : last+1]
}

func (s *aggSpec) sortTerms(buckets []engine.Bucket) {
	o := s.order
	value := func(b engine.Bucket) float64 {
		switch o.by {
		case "_count":
			return float64(b.DocCount)
		}
		return s.subMetric(b, o.by)
	}
	slices.SortStableFunc(buckets, func(x, y engine.Bucket) int {
		var c int
		if o.by == "_key" {
			c = compareKeys(x, y)
		} else {
			c = cmp.Compare(value(x), value(y))
		}
		if o.desc {
			c = -c
		}
		if c == 0 {
			c = compareKeys(x, y)
		}
		return c
	})
}

func compareKeys(x, y engine.Bucket) int {
	_, xe := strconv.ParseFloat(x.Key, 64)
	_, ye := strconv.ParseFloat(y.Key, 64)
	if xe == nil && ye == nil {
		return cmp.Compare(x.KeyNum, y.KeyNum)
	}
	return strings.Compare(x.Key, y.Key)
}

// subMetric evaluates an order path such as "1", "1.avg", "1[99]" or
// "1.99" against a bucket's sub-aggregations; NaN (no value) sorts first.
func (s *aggSpec) subMetric(b engine.Bucket, path string) float64 {
	name, stat := path, ""
	if i := strings.IndexAny(path, ".["); i >= 0 {
		name, stat = path[:i], strings.Trim(path[i:], ".[]")
	}
	for i, sub := range s.subs {
		if sub.name != name || sub.eng.Metric == nil || i >= len(b.Aggs) || b.Aggs[i].Metric == nil {
			continue
		}
		m := b.Aggs[i].Metric
		switch {
		case sub.eng.Metric.Kind == engine.MetricPercentiles:
			for _, p := range m.Percentiles {
				if stat == "" || stat == esDouble(p.Percent) || stat == strconv.FormatFloat(p.Percent, 'f', -1, 64) {
					return p.Value
				}
			}
		default:
			if v, ok := metricNumber(sub.eng.Metric.Kind, stat, m); ok {
				return v
			}
		}
	}
	return math.NaN()
}

func metricNumber(kind engine.MetricKind, stat string, m *engine.MetricValue) (float64, bool) {
	if stat == "" || stat == "value" {
		stat = string(kind)
	}
	switch stat {
	case "avg":
		return m.Avg, true
	case "sum":
		return m.Sum, true
	case "min":
		return m.Min, true
	case "max":
		return m.Max, true
	case "count":
		return float64(m.Count), true
	case "cardinality":
		return float64(m.Cardinality), true
	}
	return 0, false
}

// validateOrder checks that a terms order path names a single-value
// metric sub-aggregation, before anything runs.
func validateOrders(specs []*aggSpec) error {
	for _, s := range specs {
		if s.order != nil && s.order.by != "_count" && s.order.by != "_key" {
			name := s.order.by
			if i := strings.IndexAny(name, ".["); i >= 0 {
				name = name[:i]
			}
			found := false
			for _, sub := range s.subs {
				if sub.name == name && sub.eng.Metric != nil {
					found = true
				}
			}
			if !found {
				return badRequest("aggregation [%s]: order by [%s] needs a metric sub-aggregation of that name", s.name, s.order.by)
			}
		}
		if err := validateOrders(s.subs); err != nil {
			return err
		}
	}
	return nil
}

func bucketKey(s *aggSpec, b engine.Bucket) any {
	if s.eng.DateHistogram != nil || s.eng.Histogram != nil {
		return b.KeyNum
	}
	if _, err := strconv.ParseFloat(b.Key, 64); err == nil && !math.IsInf(b.KeyNum, 0) && (b.KeyNum != 0 || b.Key == "0") {
		return b.KeyNum
	}
	return b.Key
}

// keyAsString is a date histogram bucket's key in the requested format
// (epoch_millis, or RFC 3339 by default).
func (s *aggSpec) keyAsString(b engine.Bucket) string {
	if s.eng.DateHistogram == nil {
		return ""
	}
	if strings.Contains(s.format, "epoch_millis") {
		return strconv.FormatInt(int64(b.KeyNum), 10)
	}
	return b.Key
}

func renderRange(s *aggSpec, buckets []rangeBucket) map[string]any {
	list := make([]map[string]any, 0, len(buckets))
	keyed := map[string]any{}
	for _, b := range buckets {
		eb := elasticAggResult(s.subs, b.aggs, nil)
		eb["key"] = b.spec.key
		eb["doc_count"] = b.docCount
		if b.spec.from != nil {
			eb["from"] = *b.spec.from
		}
		if b.spec.to != nil {
			eb["to"] = *b.spec.to
		}
		list = append(list, eb)
		keyed[b.spec.key] = eb
	}
	if s.keyed {
		return map[string]any{"buckets": keyed}
	}
	return map[string]any{"buckets": list}
}

func elasticMetric(s *aggSpec, m *engine.MetricValue) map[string]any {
	num := func(f float64) any {
		if math.IsNaN(f) {
			return nil
		}
		return f
	}
	switch s.eng.Metric.Kind {
	case engine.MetricPercentiles:
		if !s.keyed {
			list := make([]map[string]any, 0, len(m.Percentiles))
			for _, p := range m.Percentiles {
				list = append(list, map[string]any{"key": p.Percent, "value": num(p.Value)})
			}
			return map[string]any{"values": list}
		}
		values := map[string]any{}
		for _, p := range m.Percentiles {
			values[esDouble(p.Percent)] = num(p.Value)
		}
		return map[string]any{"values": values}
	case engine.MetricCardinality:
		return map[string]any{"value": m.Cardinality}
	case engine.MetricCount:
		return map[string]any{"value": m.Count}
	case engine.MetricAvg:
		return map[string]any{"value": num(m.Avg)}
	case engine.MetricSum:
		return map[string]any{"value": m.Sum}
	case engine.MetricMin:
		return map[string]any{"value": num(m.Min)}
	case engine.MetricMax:
		return map[string]any{"value": num(m.Max)}
	}
	return map[string]any{"count": m.Count, "min": num(m.Min), "max": num(m.Max), "avg": num(m.Avg), "sum": m.Sum}
}
