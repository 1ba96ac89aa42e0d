package quickwit

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/engine"
)

// num reads a metric value; null (no values) is NaN.
func num(raw json.RawMessage) float64 {
	var n *json.Number
	if decode(raw, &n) != nil || n == nil {
		return math.NaN()
	}
	f, err := n.Float64()
	if err != nil {
		return math.NaN()
	}
	return f
}

// metricOf reads metric a from a level's aggregations.
func metricOf(a engine.Agg, aggs map[string]json.RawMessage, docs int64) (*engine.MetricValue, error) {
	m := a.Metric
	v := aggresult.EmptyMetric(m)
	if m.Field == "" {
		v.Count = docs
		return v, nil
	}
	raw, ok := aggs[a.Name]
	if !ok {
		return nil, fmt.Errorf("the answer has no aggregation %q", a.Name)
	}
	var body map[string]json.RawMessage
	if err := decode(raw, &body); err != nil {
		return nil, fmt.Errorf("aggregation %q: %w", a.Name, err)
	}
	if c, ok := aggs[a.Name+countSuffix]; ok {
		var cb map[string]json.RawMessage
		if err := decode(c, &cb); err == nil {
			if f := num(cb["value"]); !math.IsNaN(f) {
				v.Count = int64(f)
			}
		}
	}
	switch m.Kind {
	case engine.MetricCount:
		v.Count = int64(max(num(body["value"]), 0))
	case engine.MetricAvg:
		v.Avg = num(body["value"])
	case engine.MetricSum:
		if v.Sum = num(body["value"]); math.IsNaN(v.Sum) {
			v.Sum = 0
		}
	case engine.MetricMin:
		v.Min = num(body["value"])
	case engine.MetricMax:
		v.Max = num(body["value"])
	case engine.MetricStats:
		v.Min, v.Max, v.Avg = num(body["min"]), num(body["max"]), num(body["avg"])
		if v.Sum = num(body["sum"]); math.IsNaN(v.Sum) {
			v.Sum = 0
		}
		if c := num(body["count"]); !math.IsNaN(c) {
			v.Count = int64(c)
		}
	case engine.MetricCardinality:
		v.Cardinality = uint64(max(num(body["value"]), 0))
	case engine.MetricPercentiles:
		if err := readPercentiles(v, body["values"]); err != nil {
			return nil, fmt.Errorf("aggregation %q: %w", a.Name, err)
		}
	}
	return v, nil
}

// readPercentiles reads keyed ({"99.0": v}) or listed ([{"key","value"}])
// percentiles into v's requested percents.
func readPercentiles(v *engine.MetricValue, raw json.RawMessage) error {
	got := map[float64]float64{}
	var keyed map[string]json.RawMessage
	if decode(raw, &keyed) == nil {
		for k, x := range keyed {
			p, err := strconv.ParseFloat(k, 64)
			if err != nil {
				return fmt.Errorf("percentile key %q: %w", k, err)
			}
			got[p] = num(x)
		}
	} else {
		var listed []struct {
			Key   float64         `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := decode(raw, &listed); err != nil {
			return fmt.Errorf("read percentiles: %w", err)
		}
		for _, l := range listed {
			got[l.Key] = num(l.Value)
		}
	}
	for i := range v.Percentiles {
		if x, ok := got[v.Percentiles[i].Percent]; ok {
			v.Percentiles[i].Value = x
		}
	}
	return nil
}
