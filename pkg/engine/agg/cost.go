package agg

// Approximate costs of aggregation state, for the memory budget: what a
// collector holds before it sees a row (a terms key's cost is
// budget.TermKeyCost).
const (
	collectorCost = 128
	sketchCost    = 16 << 10 // a dense HyperLogLog++ of precision 14; a DDSketch stays below
)

func collectorsCost(env *aggEnv, specs []Spec) int64 {
	n := int64(0)
	for i := range specs {
		a := &specs[i]
		n += collectorCost
		switch {
		case a.DateHistogram != nil:
			n += 16 * int64(dateBuckets(env.start, env.end, int64(a.DateHistogram.Interval)))
		case a.Metric != nil && (a.Metric.Kind == MetricCardinality || a.Metric.Kind == MetricPercentiles):
			n += sketchCost
		}
	}
	return n
}
