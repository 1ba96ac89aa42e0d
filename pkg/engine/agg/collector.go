package agg

import (
	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
)

// collector accumulates one aggregation over matching rows.
type collector interface {
	collect(r *aggRow)
	result() Value
}

// countCollector is a collector that can take a whole block of matching
// rows by their count alone (a date histogram without sub-aggregations
// whose bucket holds the whole block), so the block is never decoded.
type countCollector interface {
	collectCount(minT, maxT int64, n int) bool
}

// blockCollector is a collector with a loop over a block's columns that
// beats row-at-a-time collection; collectBlock returns false, having done
// nothing, when it cannot take this block.
type blockCollector interface {
	collectBlock(sel search.Rows, ts []int64, cols []*column.Column) bool
}

// aggRow is the current matching row as the collectors see it: its
// timestamp and the values of the fields the request names, by slot.
type aggRow struct {
	ts   int64
	vals []event.Value
	has  []bool
}

// aggEnv is what a request's collectors share: field slots, the time range
// and the bucket budget.
type aggEnv struct {
	slots  map[string]int
	fields []string
	needTS bool
	// tsField is the timestamp field, read from the timestamp column;
	// canonical maps its aliases (DocMapping.TimestampAliases) to it.
	tsField    string
	canonical  func(string) string
	start, end int64
	maxBuckets int
	buckets    int
	err        error
	// countOnly marks the terms a counting pass runs without their
	// sub-aggregations; allowed holds the keys earlier passes kept for
	// each terms with sub-aggregations (see passes.go).
	countOnly map[*TermsAgg]bool
	allowed   map[*TermsAgg]map[event.Value]bool
	// expansions, when positive, is how many more terms buckets the
	// optimistic pass may give sub-collectors; negative means no limit.
	expansions int
	// budget meters the collectors and keys the request builds.
	budget *budget.Meter
}

// charge meters n bytes of collector state; past the budget it sets err,
// which stops the scan at the end of the block.
func (env *aggEnv) charge(n int64) {
	if err := env.budget.Charge(n); err != nil && env.err == nil {
		env.err = err
	}
}

// slot returns field's slot, adding it on first use.
func (env *aggEnv) slot(field string) int {
	if env.canonical != nil {
		field = env.canonical(field)
	}
	if i, ok := env.slots[field]; ok {
		return i
	}
	env.slots[field] = len(env.fields)
	env.fields = append(env.fields, field)
	return len(env.fields) - 1
}

// newPass starts a pass over the rows with fresh collectors; the last
// pass's are dropped, so the budget meters this pass alone.
func (env *aggEnv) newPass(specs []Spec) *Root {
	env.budget.Reset()
	return &Root{env: env, colls: env.newCollectors(specs)}
}

// newCollectors builds fresh collectors for specs (one bucket's worth).
func (env *aggEnv) newCollectors(specs []Spec) []collector {
	env.charge(collectorsCost(env, specs))
	out := make([]collector, len(specs))
	for i := range specs {
		a := &specs[i]
		switch {
		case a.DateHistogram != nil:
			out[i] = newDateHistogram(env, a)
		case a.Terms != nil:
			out[i] = newTermsCollector(env, a)
		case a.Histogram != nil:
			out[i] = newHistogramCollector(env, a)
		default:
			out[i] = newMetricCollector(env, a.Metric)
		}
	}
	return out
}

// subResults returns the results of a bucket's sub-collectors, building
// empty ones for a bucket that never saw a row.
func subResults(env *aggEnv, specs []Spec, colls []collector) []Value {
	if len(specs) == 0 {
		return nil
	}
	if colls == nil {
		colls = env.newCollectors(specs)
	}
	return results(specs, colls)
}

func results(specs []Spec, colls []collector) []Value {
	out := make([]Value, len(specs))
	for i, c := range colls {
		out[i] = c.result()
		out[i].Name = specs[i].Name
	}
	return out
}
