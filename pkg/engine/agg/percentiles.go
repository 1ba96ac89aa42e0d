package agg

import (
	"math"
	"slices"

	"github.com/DataDog/sketches-go/ddsketch"
)

// Percentile definition. A percentile p of n values is the value at 0-based
// rank ⌊p/100 · n⌋ of the values in ascending order (the largest when that
// rank is n), p = 0 the smallest and p = 100 the largest: a sample that
// occurred, never an interpolation. It is VictoriaLogs' rule for
// `quantile()` (lib/logstorage/stats_quantile.go, histogram.quantile, at
// v1.52.1), which users compare Triage with, and it is exact while a bucket
// holds at most ExactPercentileValues values, as VictoriaLogs' is (it keeps
// 10,000 samples per bucket). Beyond that a DDSketch holds the values and
// the answer is within PercentileAccuracy (relative) of the exact one.
const (
	ExactPercentileValues = 10_000
	PercentileAccuracy    = 0.01
)

var defaultPercents = []float64{50, 95, 99}

// percentilesCollector keeps a bucket's values while there are few enough
// to answer exactly, then moves them into a DDSketch, whose memory stays
// small whatever the row count.
type percentilesCollector struct {
	slot     int
	percents []float64
	exact    []float64
	sketch   *ddsketch.DDSketch // nil while exact
	count    int64
	min, max float64
}

func newPercentilesCollector(slot int, percents []float64) *percentilesCollector {
	if len(percents) == 0 {
		percents = defaultPercents
	}
	return &percentilesCollector{slot: slot, percents: percents}
}

func (p *percentilesCollector) collect(r *aggRow) {
	if !r.has[p.slot] {
		return
	}
	if v, ok := r.vals[p.slot].AsFloat(); ok {
		p.add(v)
	}
}

func (p *percentilesCollector) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	if p.sketch == nil && len(p.exact) < ExactPercentileValues {
		p.exact = append(p.exact, v)
	} else {
		if p.sketch == nil {
			p.toSketch()
		}
		// Values the sketch cannot index (beyond ±1e308) are left out.
		if p.sketch.Add(v) != nil {
			return
		}
	}
	if p.count == 0 || v < p.min {
		p.min = v
	}
	if p.count == 0 || v > p.max {
		p.max = v
	}
	p.count++
}

// toSketch moves the exact values into a new sketch.
func (p *percentilesCollector) toSketch() {
	s, err := ddsketch.NewDefaultDDSketch(PercentileAccuracy)
	if err != nil {
		panic(err) // only for an accuracy outside (0, 1)
	}
	for _, v := range p.exact {
		_ = s.Add(v)
	}
	p.sketch, p.exact = s, nil
}

func (p *percentilesCollector) result() Value {
	m := &MetricValue{Count: p.count}
	if p.sketch == nil {
		slices.Sort(p.exact)
	}
	for _, pc := range p.percents {
		m.Percentiles = append(m.Percentiles, Percentile{Percent: pc, Value: p.value(pc / 100)})
	}
	return Value{Metric: m}
}

// value is the phi-quantile by the rule above; NaN without values.
func (p *percentilesCollector) value(phi float64) float64 {
	n := p.count
	switch {
	case n == 0:
		return math.NaN()
	case phi <= 0:
		return p.min
	case phi >= 1:
		return p.max
	}
	rank := int64(phi * float64(n))
	if rank >= n {
		return p.max
	}
	if p.sketch == nil {
		return p.exact[rank]
	}
	return sketchValueAtRank(p.sketch, float64(rank))
}

// sketchValueAtRank is the sketch's value for the 0-based rank, an integer:
// DDSketch.GetValueAtQuantile takes a quantile and multiplies it by n-1,
// whose rounding can land one rank off; this walks the same stores with
// the rank itself.
func sketchValueAtRank(s *ddsketch.DDSketch, rank float64) float64 {
	neg, zero := s.GetNegativeValueStore().TotalCount(), s.GetZeroCount()
	switch {
	case rank < neg:
		return -s.Value(s.GetNegativeValueStore().KeyAtRank(neg - 1 - rank))
	case rank < neg+zero:
		return 0
	}
	return s.Value(s.GetPositiveValueStore().KeyAtRank(rank - neg - zero))
}
