package agg

import (
	"fmt"
	"math"
)

// checkMetric validates a metric's kind, field and percents.
func checkMetric(name string, m *MetricAgg) error {
	switch m.Kind {
	case MetricCount:
		return nil
	case MetricAvg, MetricSum, MetricMin, MetricMax, MetricStats, MetricPercentiles, MetricCardinality:
	default:
		return fmt.Errorf("aggregation %q: unknown metric %q; use count, avg, sum, min, max, stats, percentiles or cardinality", name, m.Kind)
	}
	if m.Field == "" {
		return fmt.Errorf("aggregation %q: metric %s needs a field", name, m.Kind)
	}
	for _, p := range m.Percents {
		if !(p >= 0 && p <= 100) {
			return fmt.Errorf("aggregation %q: percentile %v is outside 0–100", name, p)
		}
	}
	return nil
}

func newMetricCollector(env *aggEnv, m *MetricAgg) collector {
	slot := -1
	if m.Field != "" {
		slot = env.slot(m.Field)
	}
	switch m.Kind {
	case MetricPercentiles:
		return newPercentilesCollector(slot, m.Percents)
	case MetricCardinality:
		return newCardinalityCollector(slot)
	}
	return &statsCollector{slot: slot, min: math.Inf(1), max: math.Inf(-1)}
}

// statsCollector computes count, sum, min, max and avg of a field's numeric
// values (count, avg, sum, min, max and stats all use it); without a field
// it counts documents.
type statsCollector struct {
	slot     int
	count    int64
	sum      float64
	min, max float64
}

func (s *statsCollector) collect(r *aggRow) {
	if s.slot < 0 {
		s.count++
		return
	}
	if !r.has[s.slot] {
		return
	}
	v, ok := r.vals[s.slot].AsFloat()
	if !ok {
		return
	}
	s.count++
	s.sum += v
	s.min, s.max = min(s.min, v), max(s.max, v)
}

func (s *statsCollector) result() Value {
	m := &MetricValue{Count: s.count, Sum: s.sum, Min: s.min, Max: s.max, Avg: s.sum / float64(s.count)}
	if s.count == 0 || s.slot < 0 {
		m.Min, m.Max, m.Avg = math.NaN(), math.NaN(), math.NaN()
	}
	return Value{Metric: m}
}
