package conformance

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// The requests below have the shapes pkg/plugin's runners send for each
// query type (query_timeseries.go, query_table.go, query_heatmap.go,
// query_logs_volume.go, query_field_values.go, query_logs.go), so the
// backends are compared on exactly what the dashboard asks.

// request is one query of the model, resolved as the plugin resolves it.
type request struct {
	model    query.Query
	text     string
	from, to time.Time
	interval time.Duration
}

func resolve(m query.Query, from, to time.Time) request {
	iv := query.ResolveInterval(m, 1440, from, to, time.Minute)
	text := query.ExpandMacros(m.Query, query.MacroContext{From: from, To: to, Interval: iv})
	return request{model: m, text: text, from: from, to: to, interval: iv}
}

func (r request) aggregate(ctx context.Context, be backend.Backend, aggs []engine.Agg) (engine.AggResult, error) {
	return be.Aggregate(ctx, engine.AggRequest{Index: index, Query: r.text, Start: r.from, End: r.to, Aggs: aggs, Now: testNow})
}

func metricsOf(m query.Query) []query.Metric {
	if len(m.Metrics) == 0 {
		return []query.Metric{{Type: query.MetricCount}}
	}
	return m.Metrics
}

func metricAggs(metrics []query.Metric) []engine.Agg {
	var out []engine.Agg
	for i, m := range metrics {
		name := "m" + strconv.Itoa(i)
		switch m.Type {
		case query.MetricCount:
		case query.MetricPercentile:
			out = append(out, engine.Agg{Name: name, Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: m.Field, Percents: []float64{m.Percent}}})
		default:
			kind := engine.MetricKind(m.Type)
			out = append(out, engine.Agg{Name: name, Metric: &engine.MetricAgg{Kind: kind, Field: m.Field}})
		}
	}
	return out
}

func groupTerms(groups []query.GroupBy, inner []engine.Agg) []engine.Agg {
	aggs := inner
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		aggs = []engine.Agg{{Name: "g" + strconv.Itoa(i), Terms: &engine.TermsAgg{Field: g.Field, Size: g.Size, OrderByKey: g.OrderBy == "key"}, Subs: aggs}}
	}
	return aggs
}

// answer runs a model the way its query type does and reduces the result
// to comparable cells: "path" → value.
func answer(ctx context.Context, be backend.Backend, r request) (cells, error) {
	m := r.model
	switch m.QueryType {
	case query.QueryTimeseries:
		hist := engine.Agg{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: r.interval}, Subs: metricAggs(metricsOf(m))}
		res, err := r.aggregate(ctx, be, groupTerms(m.GroupBy, []engine.Agg{hist}))
		return flatten(res, err)
	case query.QueryTable:
		res, err := r.aggregate(ctx, be, groupTerms(m.GroupBy, metricAggs(metricsOf(m))))
		return flatten(res, err)
	case query.QueryHeatmap:
		h := engine.Agg{Name: "h", Histogram: &engine.HistogramAgg{Field: m.Heatmap.Field, Bounds: m.Heatmap.Buckets}}
		res, err := r.aggregate(ctx, be, []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: r.interval}, Subs: []engine.Agg{h}}})
		return flatten(res, err)
	case query.QueryFieldValues:
		vals, err := be.FieldValues(ctx, engine.FieldValuesRequest{Index: index, Field: m.Field, Query: r.text, Start: r.from, End: r.to, Limit: m.Limit, Now: testNow})
		if err != nil {
			return nil, err
		}
		out := cells{}
		for i, v := range vals {
			out[fmt.Sprintf("%03d %s", i, v.Value)] = float64(v.Count)
		}
		return out, nil
	case query.QueryLogs, query.QueryAnnotations:
		order := engine.Desc
		if m.Sort == query.SortAsc {
			order = engine.Asc
		}
		res, err := be.Search(ctx, backend.SearchRequest{SearchRequest: engine.SearchRequest{
			Index: index, Query: r.text, Start: r.from, End: r.to, Limit: m.Limit, Order: order, Now: testNow}})
		if err != nil {
			return nil, err
		}
		return hitCells(res.Hits, order == engine.Desc), nil
	}
	return nil, fmt.Errorf("no runner for query type %q", m.QueryType)
}

// cells are an answer's values by path.
type cells map[string]float64

// flatten walks an aggregation result into cells: bucket paths to counts,
// metrics to their values.
func flatten(res engine.AggResult, err error) (cells, error) {
	if err != nil {
		return nil, err
	}
	out := cells{"docs": float64(res.DocCount)}
	var walk func(prefix string, vals []engine.AggValue)
	walk = func(prefix string, vals []engine.AggValue) {
		for _, v := range vals {
			p := prefix + v.Name
			if v.Metric != nil {
				m := v.Metric
				for _, x := range []struct {
					k string
					f float64
				}{{"avg", m.Avg}, {"min", m.Min}, {"max", m.Max}, {"sum", m.Sum}, {"card", float64(m.Cardinality)}} {
					if !math.IsNaN(x.f) && x.f != 0 {
						out[p+"."+x.k] = x.f
					}
				}
				for _, pc := range m.Percentiles {
					if !math.IsNaN(pc.Value) {
						out[p+".p"+strconv.FormatFloat(pc.Percent, 'g', -1, 64)] = pc.Value
					}
				}
				continue
			}
			if v.Other != 0 {
				out[p+".other"] = float64(v.Other)
			}
			for _, b := range v.Buckets {
				bp := p + "[" + b.Key + "]"
				out[bp] = float64(b.DocCount)
				walk(bp+"/", b.Aggs)
			}
		}
	}
	walk("", res.Aggs)
	return out, nil
}

// hitCells keys hits by trace id. Hits in the page's last second are left
// out: a store keeping seconds may cut that second elsewhere, and one
// without a row id orders equal timestamps by content, both legitimately.
func hitCells(hits []engine.Hit, desc bool) cells {
	out := cells{"hits": float64(len(hits))}
	if len(hits) == 0 {
		return out
	}
	last := time.Unix(0, hits[len(hits)-1].Event.Timestamp).Truncate(time.Second)
	for _, h := range hits {
		if time.Unix(0, h.Event.Timestamp).Truncate(time.Second).Equal(last) {
			continue
		}
		id, _ := h.Event.Get("trace_id")
		out["hit "+id.Text()] = float64(h.Event.Timestamp / int64(time.Second))
	}
	return out
}

// diff lists the cells where got differs from want.
func diff(want, got cells, close func(path string, w, g float64) bool) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: missing (want %v)", k, w))
		case g != w && (close == nil || !close(k, w, g)):
			out = append(out, fmt.Sprintf("%s: %v, want %v", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: %v, not in the reference", k, g))
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… and %d more", len(out)-20))
	}
	return out
}

func joinLines(lines []string) string { return "\n  " + strings.Join(lines, "\n  ") }
