package quickwit

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/backend/qwquery"
	"github.com/triage-logs/triage/pkg/engine"
)

// quickwitMaxBuckets is Quickwit's bucket limit per request.
const quickwitMaxBuckets = 65_000

// countSuffix names the value_count sibling of a field metric: the engine
// reports how many values a metric saw (a sum over none is no value).
const countSuffix = "__count"

// Aggregate sends the tree as Elasticsearch aggregations: date_histogram
// with fixed_interval, terms, range (histogram bounds, upper bounds
// included as the engine's), histogram, the metrics, percentiles and
// cardinality (Quickwit 0.9). The answer is read back into the engine's
// result shape, date histograms filled over the whole range.
func (b *Backend) Aggregate(ctx context.Context, req engine.AggRequest) (engine.AggResult, error) {
	if req.MaxBuckets <= 0 || req.MaxBuckets > quickwitMaxBuckets {
		req.MaxBuckets = quickwitMaxBuckets
	}
	if err := aggresult.Check(req); err != nil {
		return engine.AggResult{}, err
	}
	m, err := b.mapping(ctx, req.Index)
	if err != nil {
		return engine.AggResult{}, err
	}
	v, _, _ := b.Version(ctx)
	aggs, err := esAggs(req.Aggs, m.info.TimestampField, v)
	if err != nil {
		return engine.AggResult{}, err
	}
	q, err := b.esQuery(ctx, m, req.Query, req.Start, req.End, req.Now)
	if err != nil {
		return engine.AggResult{}, err
	}
	body := map[string]any{"size": 0, "query": q, "track_total_hits": true}
	if len(aggs) > 0 {
		body["aggs"] = aggs
	}
	res, err := b.search(ctx, req.Index, body)
	if err != nil {
		return engine.AggResult{}, err
	}
	r := reader{start: req.Start, end: req.End}
	out := engine.AggResult{DocCount: res.Hits.Total.Value, Warnings: res.warnings()}
	if out.Aggs, err = r.values(req.Aggs, res.Aggregations, out.DocCount); err != nil {
		return engine.AggResult{}, fmt.Errorf("quickwit: %s/_search: read the aggregations: %w", req.Index, err)
	}
	return out, nil
}

// esAggs translates aggregation specs to Elasticsearch's form.
func esAggs(specs []engine.Agg, tsField string, v qwquery.Version) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range specs {
		var body map[string]any
		switch {
		case a.DateHistogram != nil:
			iv, err := fixedInterval(a.Name, a.DateHistogram.Interval)
			if err != nil {
				return nil, err
			}
			body = map[string]any{"date_histogram": map[string]any{"field": tsField, "fixed_interval": iv}}
		case a.Terms != nil:
			t := map[string]any{"field": a.Terms.Field, "size": aggresult.TermsSize(a.Terms)}
			if a.Terms.OrderByKey {
				t["order"] = map[string]any{"_key": "asc"}
			}
			body = map[string]any{"terms": t}
		case a.Histogram != nil && len(a.Histogram.Bounds) > 0:
			body = map[string]any{"range": map[string]any{"field": a.Histogram.Field, "ranges": boundRanges(a.Histogram.Bounds)}}
		case a.Histogram != nil:
			body = map[string]any{"histogram": map[string]any{"field": a.Histogram.Field, "interval": a.Histogram.Interval}}
		case a.Metric != nil:
			if err := metricAggs(out, a, v); err != nil {
				return nil, err
			}
			continue
		}
		if len(a.Subs) > 0 {
			subs, err := esAggs(a.Subs, tsField, v)
			if err != nil {
				return nil, err
			}
			if len(subs) > 0 {
				body["aggs"] = subs
			}
		}
		out[a.Name] = body
	}
	return out, nil
}

// fixedInterval writes an interval as Quickwit's fixed_interval: whole
// milliseconds at least (calendar intervals are not supported).
func fixedInterval(name string, d time.Duration) (string, error) {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s", nil
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms", nil
	}
	return "", &backend.UnsupportedError{Backend: backend.KindQuickwit, Construct: "the interval " + d.String() + " of " + name,
		Reason: "Quickwit's fixed_interval counts whole milliseconds; use an interval of 1ms or more"}
}

// boundRanges are range buckets equal to the engine's bounds buckets,
// (b[i-1], b[i]]: a range bucket is [from, to), so each edge moves to the
// next float above the bound.
func boundRanges(bounds []float64) []any {
	out := make([]any, 0, len(bounds)+1)
	for i := 0; i <= len(bounds); i++ {
		r := map[string]any{}
		if i > 0 {
			r["from"] = math.Nextafter(bounds[i-1], math.Inf(1))
		}
		if i < len(bounds) {
			r["to"] = math.Nextafter(bounds[i], math.Inf(1))
		}
		out = append(out, r)
	}
	return out
}

// metricAggs adds a metric and, for field metrics, its value count.
func metricAggs(out map[string]any, a engine.Agg, v qwquery.Version) error {
	m := a.Metric
	if m.Field == "" {
		return nil // a count of events: the bucket's doc_count
	}
	field := map[string]any{"field": m.Field}
	switch m.Kind {
	case engine.MetricCount:
		out[a.Name] = map[string]any{"value_count": field}
		return nil
	case engine.MetricAvg, engine.MetricSum, engine.MetricMin, engine.MetricMax, engine.MetricStats:
		out[a.Name] = map[string]any{string(m.Kind): field}
	case engine.MetricPercentiles:
		out[a.Name] = map[string]any{"percentiles": map[string]any{"field": m.Field, "percents": aggresult.Percents(m)}}
	case engine.MetricCardinality:
		if !v.AtLeast(0, 9) {
			return &backend.UnsupportedError{Backend: backend.KindQuickwit, Construct: "cardinality(" + m.Field + ")",
				Reason: "Quickwit " + v.String() + " has no cardinality aggregation (it came in 0.9)"}
		}
		out[a.Name] = map[string]any{"cardinality": field}
		return nil
	}
	out[a.Name+countSuffix] = map[string]any{"value_count": field}
	return nil
}
