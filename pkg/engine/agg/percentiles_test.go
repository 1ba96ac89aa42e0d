package agg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/internal/fixture"
)

// TestPercentilesMatchBruteForce feeds random values through the collector
// and compares every percentile with the sorted-values oracle: equal up to
// 10,000 values per bucket, within the sketch's relative accuracy above.
func TestPercentilesMatchBruteForce(t *testing.T) {
	rnd := rand.New(rand.NewPCG(14, 99))
	percents := []float64{0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100}
	gens := map[string]func() float64{
		// Latencies as the generator writes them: two decimals, a long tail.
		"latency": func() float64 { return math.Round(math.Exp(rnd.NormFloat64()*1.2+4)*100) / 100 },
		"ints":    func() float64 { return float64(rnd.IntN(50)) },
		"signed":  func() float64 { return rnd.NormFloat64() * 1e3 },
		"zeros":   func() float64 { return float64(rnd.IntN(3) - 1) },
	}
	for name, gen := range gens {
		for _, n := range []int{1, 2, 3, 99, 100, 101, 330, 9_999, ExactPercentileValues, ExactPercentileValues + 1, 50_000} {
			values := make([]float64, n)
			c := newPercentilesCollector(0, percents)
			for i := range values {
				values[i] = gen()
				c.add(values[i])
			}
			got := c.result().Metric
			if got.Count != int64(n) {
				t.Fatalf("%s n=%d: count %d", name, n, got.Count)
			}
			for _, p := range got.Percentiles {
				want := fixture.NearestRankPercentile(values, p.Percent/100)
				exact := n <= ExactPercentileValues || p.Percent == 0 || p.Percent == 100
				switch {
				case exact && p.Value != want:
					t.Errorf("%s n=%d: p%v = %v, the exact nearest-rank value is %v", name, n, p.Percent, p.Value, want)
				case !exact && math.Abs(p.Value-want) > PercentileAccuracy*math.Abs(want)+1e-12:
					t.Errorf("%s n=%d: p%v = %v, more than %v from the exact %v", name, n, p.Percent, p.Value, PercentileAccuracy, want)
				}
			}
		}
	}
}

// TestPercentilesEmpty: no values, no percentile (NaN), count zero.
func TestPercentilesEmpty(t *testing.T) {
	c := newPercentilesCollector(0, []float64{50})
	c.add(math.NaN())
	m := c.result().Metric
	if m.Count != 0 || !math.IsNaN(m.Percentiles[0].Value) {
		t.Fatalf("empty collector: %+v", m)
	}
}
