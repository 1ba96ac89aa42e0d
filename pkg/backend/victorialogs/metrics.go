package victorialogs

import (
	"math"
	"strconv"

	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/engine"
)

// metricFuncs are the stats functions computing metric i. Every function
// over a field only sees events that have it (if (field:*)): VictoriaLogs
// treats a missing value as an empty string, which min and quantile would
// otherwise count.
func metricFuncs(i int, m *engine.MetricAgg) []statFunc {
	if m.Field == "" {
		return nil // a count of events: every group's count()
	}
	f := strconv.Quote(m.Field)
	has := " if (" + f + ":*)"
	fn := func(suffix, expr string) statFunc { return statFunc{name: funcName(i, suffix), expr: expr} }
	out := []statFunc{fn("n", "count("+f+")")}
	switch m.Kind {
	case engine.MetricAvg, engine.MetricSum, engine.MetricMin, engine.MetricMax:
		out = append(out, fn("v", string(m.Kind)+"("+f+")"+has))
	case engine.MetricStats:
		out = append(out, fn("sum", "sum("+f+")"+has), fn("min", "min("+f+")"+has), fn("max", "max("+f+")"+has), fn("avg", "avg("+f+")"+has))
	case engine.MetricPercentiles:
		for j, p := range aggresult.Percents(m) {
			phi := strconv.FormatFloat(p/100, 'f', -1, 64)
			out = append(out, fn("p"+strconv.Itoa(j), "quantile("+phi+", "+f+")"+has))
		}
	case engine.MetricCardinality:
		out = append(out, fn("u", "count_uniq("+f+")"))
	}
	return out
}

// metricValue reads metric i from one group's answer.
func metricValue(i int, m *engine.MetricAgg, vals map[string]string) *engine.MetricValue {
	v := aggresult.EmptyMetric(m)
	if m.Field == "" {
		v.Count, _ = strconv.ParseInt(vals["c"], 10, 64)
		return v
	}
	v.Count, _ = strconv.ParseInt(vals[funcName(i, "n")], 10, 64)
	num := func(suffix string) float64 { return parseNum(vals[funcName(i, suffix)]) }
	switch m.Kind {
	case engine.MetricAvg:
		v.Avg = num("v")
	case engine.MetricSum:
		v.Sum = num("v")
		if math.IsNaN(v.Sum) {
			v.Sum = 0
		}
	case engine.MetricMin:
		v.Min = num("v")
	case engine.MetricMax:
		v.Max = num("v")
	case engine.MetricStats:
		v.Sum, v.Min, v.Max, v.Avg = num("sum"), num("min"), num("max"), num("avg")
		if math.IsNaN(v.Sum) {
			v.Sum = 0
		}
	case engine.MetricPercentiles:
		for j := range v.Percentiles {
			v.Percentiles[j].Value = num("p" + strconv.Itoa(j))
		}
	case engine.MetricCardinality:
		n, _ := strconv.ParseUint(vals[funcName(i, "u")], 10, 64)
		v.Cardinality = n
	}
	return v
}

// parseNum reads a stats value; an empty or non-numeric one is no value.
func parseNum(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// boundFuncs count the values of each bucket of a histogram with bounds:
// (-Inf, b0], (b0, b1], …, (bn, +Inf), as the engine's heatmap buckets.
func boundFuncs(i int, h *engine.HistogramAgg) []statFunc {
	f := strconv.Quote(h.Field)
	out := make([]statFunc, 0, len(h.Bounds)+1)
	for j := range len(h.Bounds) + 1 {
		var cond string
		switch {
		case j == 0:
			cond = f + ":<=" + formatBound(h.Bounds[0])
		case j == len(h.Bounds):
			cond = f + ":>" + formatBound(h.Bounds[j-1])
		default:
			cond = f + ":range(" + formatBound(h.Bounds[j-1]) + ", " + formatBound(h.Bounds[j]) + "]"
		}
		out = append(out, statFunc{name: funcName(i, "b"+strconv.Itoa(j)), expr: "count() if (" + cond + ")"})
	}
	return out
}

func formatBound(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// boundBuckets reads histogram i's bucket counts from one group's answer.
func boundBuckets(i int, h *engine.HistogramAgg, vals map[string]string) []engine.Bucket {
	edges := aggresult.BoundEdges(h.Bounds)
	out := make([]engine.Bucket, len(edges))
	for j, e := range edges {
		out[j] = aggresult.BoundBucket(e)
		out[j].DocCount, _ = strconv.ParseInt(vals[funcName(i, "b"+strconv.Itoa(j))], 10, 64)
	}
	return out
}
