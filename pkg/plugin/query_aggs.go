package plugin

import (
	"context"
	"fmt"
	"math"
	"strconv"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// aggregate runs aggs over the request's index, query and time range.
func (req queryRequest) aggregate(ctx context.Context, be logstore.Backend, aggs []engine.Agg) (engine.AggResult, error) {
	return be.Aggregate(ctx, engine.AggRequest{Index: req.Model.Index, Query: req.Text, Start: req.From, End: req.To, Aggs: aggs})
}

// metrics are the query's metrics, or a count when it names none.
func (req queryRequest) metrics() []query.Metric {
	if len(req.Model.Metrics) == 0 {
		return []query.Metric{{Type: query.MetricCount}}
	}
	return req.Model.Metrics
}

// metricAgg translates one metric of the model into an engine aggregation.
// Count needs none: every bucket carries its document count.
func metricAgg(i int, m query.Metric) (engine.Agg, bool) {
	name := "m" + strconv.Itoa(i)
	switch m.Type {
	case query.MetricCount:
		return engine.Agg{}, false
	case query.MetricPercentile:
		return engine.Agg{Name: name, Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: m.Field, Percents: []float64{m.Percent}}}, true
	case query.MetricCardinality:
		return engine.Agg{Name: name, Metric: &engine.MetricAgg{Kind: engine.MetricCardinality, Field: m.Field}}, true
	}
	return engine.Agg{Name: name, Metric: &engine.MetricAgg{Kind: engine.MetricKind(m.Type), Field: m.Field}}, true
}

// metricAggs are the sub-aggregations computing every metric of a query.
func metricAggs(metrics []query.Metric) []engine.Agg {
	var out []engine.Agg
	for i, m := range metrics {
		if a, ok := metricAgg(i, m); ok {
			out = append(out, a)
		}
	}
	return out
}

// metricName names a metric's field in frames: count, avg(latency_ms),
// p99(latency_ms), cardinality(user_id).
func metricName(m query.Metric) string {
	switch m.Type {
	case query.MetricCount:
		return "count"
	case query.MetricPercentile:
		return fmt.Sprintf("p%s(%s)", strconv.FormatFloat(m.Percent, 'f', -1, 64), m.Field)
	}
	return fmt.Sprintf("%s(%s)", m.Type, m.Field)
}

// metricValue reads metric i of the model from a bucket; nil means no
// value (no events in the bucket for anything but count).
func metricValue(b *engine.Bucket, i int, m query.Metric) *float64 {
	if m.Type == query.MetricCount {
		v := float64(b.DocCount)
		return &v
	}
	name := "m" + strconv.Itoa(i)
	for _, a := range b.Aggs {
		if a.Name != name || a.Metric == nil {
			continue
		}
		var v float64
		switch m.Type {
		case query.MetricAvg:
			v = a.Metric.Avg
		case query.MetricSum:
			if a.Metric.Count == 0 {
				return nil
			}
			v = a.Metric.Sum
		case query.MetricMin:
			v = a.Metric.Min
		case query.MetricMax:
			v = a.Metric.Max
		case query.MetricCardinality:
			v = float64(a.Metric.Cardinality)
		case query.MetricPercentile:
			if len(a.Metric.Percentiles) == 0 {
				return nil
			}
			v = a.Metric.Percentiles[0].Value
		}
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	return nil
}

// groupTerms nests one terms aggregation per groupBy field around inner.
func groupTerms(groups []query.GroupBy, inner []engine.Agg) []engine.Agg {
	aggs := inner
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		aggs = []engine.Agg{{
			Name:  "g" + strconv.Itoa(i),
			Terms: &engine.TermsAgg{Field: g.Field, Size: g.Size, OrderByKey: g.OrderBy == "key"},
			Subs:  aggs,
		}}
	}
	return aggs
}

// groupRow is one combination of group values with its bucket of the
// innermost terms aggregation.
type groupRow struct {
	labels map[string]string
	bucket *engine.Bucket
}

// flattenGroups walks nested terms buckets into one row per combination.
func flattenGroups(groups []query.GroupBy, values []engine.AggValue) []groupRow {
	var out []groupRow
	var walk func(depth int, vals []engine.AggValue, labels map[string]string)
	walk = func(depth int, vals []engine.AggValue, labels map[string]string) {
		want := "g" + strconv.Itoa(depth)
		for _, v := range vals {
			if v.Name != want {
				continue
			}
			for bi := range v.Buckets {
				b := &v.Buckets[bi]
				next := make(map[string]string, len(labels)+1)
				for k, l := range labels {
					next[k] = l
				}
				next[groups[depth].Field] = b.Key
				if depth == len(groups)-1 {
					out = append(out, groupRow{labels: next, bucket: b})
					continue
				}
				walk(depth+1, b.Aggs, next)
			}
		}
	}
	walk(0, values, map[string]string{})
	return out
}
