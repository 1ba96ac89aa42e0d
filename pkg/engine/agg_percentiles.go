package engine

import (
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
)

// percentileAccuracy is the sketches' relative accuracy: a reported
// percentile is within 1% of a value at that rank.
const percentileAccuracy = 0.01

var defaultPercents = []float64{50, 95, 99}

// percentilesCollector estimates percentiles of a field's numeric values
// with a DDSketch, whose memory stays small whatever the row count.
type percentilesCollector struct {
	slot     int
	percents []float64
	sketch   *ddsketch.DDSketch
}

func newPercentilesCollector(slot int, percents []float64) *percentilesCollector {
	if len(percents) == 0 {
		percents = defaultPercents
	}
	s, err := ddsketch.NewDefaultDDSketch(percentileAccuracy)
	if err != nil {
		panic(err) // only for an accuracy outside (0, 1)
	}
	return &percentilesCollector{slot: slot, percents: percents, sketch: s}
}

func (p *percentilesCollector) collect(r *aggRow) {
	if !r.has[p.slot] {
		return
	}
	if v, ok := r.vals[p.slot].AsFloat(); ok {
		// Values the sketch cannot index (beyond ±1e308) are left out.
		_ = p.sketch.Add(v)
	}
}

func (p *percentilesCollector) result() AggValue {
	m := &MetricValue{Count: int64(p.sketch.GetCount())}
	for _, pc := range p.percents {
		v := math.NaN()
		if !p.sketch.IsEmpty() {
			if q, err := p.sketch.GetValueAtQuantile(pc / 100); err == nil {
				v = q
			}
		}
		m.Percentiles = append(m.Percentiles, Percentile{Percent: pc, Value: v})
	}
	return AggValue{Metric: m}
}
