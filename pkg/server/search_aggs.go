package server

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// elasticAgg is one aggregation in Elasticsearch's request syntax.
type elasticAgg struct {
	DateHistogram *struct {
		Field         string `json:"field"`
		FixedInterval string `json:"fixed_interval"`
		Interval      string `json:"interval"`
	} `json:"date_histogram"`
	Terms *struct {
		Field string            `json:"field"`
		Size  int               `json:"size"`
		Order map[string]string `json:"order"`
	} `json:"terms"`
	Histogram *struct {
		Field    string  `json:"field"`
		Interval float64 `json:"interval"`
	} `json:"histogram"`
	Percentiles *struct {
		Field    string    `json:"field"`
		Percents []float64 `json:"percents"`
	} `json:"percentiles"`
	Avg         *fieldOnly                 `json:"avg"`
	Sum         *fieldOnly                 `json:"sum"`
	Min         *fieldOnly                 `json:"min"`
	Max         *fieldOnly                 `json:"max"`
	Stats       *fieldOnly                 `json:"stats"`
	Cardinality *fieldOnly                 `json:"cardinality"`
	ValueCount  *fieldOnly                 `json:"value_count"`
	Aggs        map[string]json.RawMessage `json:"aggs"`
}

type fieldOnly struct {
	Field string `json:"field"`
}

// parseElasticAggs translates Elasticsearch aggregations into the engine's
// tree, sorted by name so results are deterministic.
func parseElasticAggs(raw map[string]json.RawMessage) ([]engine.Agg, error) {
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]engine.Agg, 0, len(names))
	for _, name := range names {
		var ea elasticAgg
		dec := json.NewDecoder(strings.NewReader(string(raw[name])))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ea); err != nil {
			return nil, fmt.Errorf("aggregation %q: %w", name, err)
		}
		a := engine.Agg{Name: name}
		metric := func(kind engine.MetricKind, f *fieldOnly) {
			a.Metric = &engine.MetricAgg{Kind: kind, Field: f.Field}
		}
		switch {
		case ea.DateHistogram != nil:
			text := ea.DateHistogram.FixedInterval
			if text == "" {
				text = ea.DateHistogram.Interval
			}
			d, err := query.ParseInterval(text)
			if err != nil {
				return nil, fmt.Errorf("aggregation %q: fixed_interval: %w", name, err)
			}
			a.DateHistogram = &engine.DateHistogramAgg{Interval: d}
		case ea.Terms != nil:
			a.Terms = &engine.TermsAgg{Field: ea.Terms.Field, Size: ea.Terms.Size, OrderByKey: ea.Terms.Order["_key"] != ""}
		case ea.Histogram != nil:
			a.Histogram = &engine.HistogramAgg{Field: ea.Histogram.Field, Interval: ea.Histogram.Interval}
		case ea.Percentiles != nil:
			a.Metric = &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: ea.Percentiles.Field, Percents: ea.Percentiles.Percents}
		case ea.Avg != nil:
			metric(engine.MetricAvg, ea.Avg)
		case ea.Sum != nil:
			metric(engine.MetricSum, ea.Sum)
		case ea.Min != nil:
			metric(engine.MetricMin, ea.Min)
		case ea.Max != nil:
			metric(engine.MetricMax, ea.Max)
		case ea.Stats != nil:
			metric(engine.MetricStats, ea.Stats)
		case ea.Cardinality != nil:
			metric(engine.MetricCardinality, ea.Cardinality)
		case ea.ValueCount != nil:
			metric(engine.MetricCount, ea.ValueCount)
		default:
			return nil, fmt.Errorf("aggregation %q: use date_histogram, terms, histogram, percentiles, avg, sum, min, max, stats, cardinality or value_count", name)
		}
		if len(ea.Aggs) > 0 {
			subs, err := parseElasticAggs(ea.Aggs)
			if err != nil {
				return nil, fmt.Errorf("aggregation %q: %w", name, err)
			}
			a.Subs = subs
		}
		out = append(out, a)
	}
	return out, nil
}

// elasticAggResult renders engine results in Elasticsearch's response
// shape; values are in the order of reqs, whose kinds decide each shape.
func elasticAggResult(reqs []engine.Agg, values []engine.AggValue) map[string]any {
	out := make(map[string]any, len(values))
	for i, v := range values {
		if i >= len(reqs) {
			break
		}
		if v.Metric != nil && reqs[i].Metric != nil {
			out[v.Name] = elasticMetric(reqs[i].Metric.Kind, v.Metric)
			continue
		}
		buckets := make([]map[string]any, 0, len(v.Buckets))
		for _, b := range v.Buckets {
			eb := elasticAggResult(reqs[i].Subs, b.Aggs)
			eb["key"] = bucketKey(b)
			eb["key_as_string"] = b.Key
			eb["doc_count"] = b.DocCount
			buckets = append(buckets, eb)
		}
		out[v.Name] = map[string]any{"buckets": buckets, "sum_other_doc_count": v.Other}
	}
	return out
}

func bucketKey(b engine.Bucket) any {
	if _, err := strconv.ParseFloat(b.Key, 64); err == nil || b.KeyNum != 0 {
		if !math.IsInf(b.KeyNum, 0) {
			return b.KeyNum
		}
	}
	return b.Key
}

func elasticMetric(kind engine.MetricKind, m *engine.MetricValue) map[string]any {
	num := func(f float64) any {
		if math.IsNaN(f) {
			return nil
		}
		return f
	}
	switch kind {
	case engine.MetricPercentiles:
		values := map[string]any{}
		for _, p := range m.Percentiles {
			values[strconv.FormatFloat(p.Percent, 'f', 1, 64)] = num(p.Value)
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
