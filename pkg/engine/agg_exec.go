package engine

import (
	"fmt"
	"math"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// collector accumulates one aggregation over matching rows.
type collector interface {
	collect(r *aggRow)
	result() AggValue
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
	// each terms with sub-aggregations (see agg_passes.go).
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

// check validates specs, registers every field's slot (collectors built
// later inside buckets must find theirs) and refuses, before any work, a
// request whose buckets would exceed the budget (mult is the number of
// parent buckets).
func (env *aggEnv) check(specs []Agg, mult int) error {
	for _, a := range specs {
		kinds := 0
		per := 0
		if d := a.DateHistogram; d != nil {
			kinds++
			if d.Interval <= 0 {
				return fmt.Errorf("aggregation %q: date_histogram needs a positive interval", a.Name)
			}
			if env.start == minTime || env.end == maxTime {
				return fmt.Errorf("aggregation %q: date_histogram needs a time range with both a start and an end", a.Name)
			}
			per = dateBuckets(env.start, env.end, int64(d.Interval))
			env.needTS = true
		}
		if t := a.Terms; t != nil {
			kinds++
			if t.Field == "" || t.Size < 0 {
				return fmt.Errorf("aggregation %q: terms needs a field and a size of 0 (default 10) or more", a.Name)
			}
			per = termsSize(t) + 1
			env.slot(t.Field)
		}
		if h := a.Histogram; h != nil {
			kinds++
			if h.Field == "" || (h.Interval <= 0) == (len(h.Bounds) == 0) || math.IsNaN(h.Interval) || math.IsInf(h.Interval, 0) {
				return fmt.Errorf("aggregation %q: histogram needs a field and either a positive interval or bounds", a.Name)
			}
			for i := 1; i < len(h.Bounds); i++ {
				if !(h.Bounds[i] > h.Bounds[i-1]) {
					return fmt.Errorf("aggregation %q: histogram bounds must be strictly increasing (%v then %v)", a.Name, h.Bounds[i-1], h.Bounds[i])
				}
			}
			per = len(h.Bounds) + 1
			env.slot(h.Field)
		}
		if m := a.Metric; m != nil {
			kinds++
			if err := checkMetric(a.Name, m); err != nil {
				return err
			}
			if m.Field != "" {
				env.slot(m.Field)
			}
		}
		if kinds != 1 {
			return fmt.Errorf("aggregation %q: set exactly one of date_histogram, terms, histogram or a metric", a.Name)
		}
		if a.Metric != nil && len(a.Subs) > 0 {
			return fmt.Errorf("aggregation %q: a metric cannot have sub-aggregations", a.Name)
		}
		if per > 0 {
			n := mult * per
			if n > env.maxBuckets || mult > env.maxBuckets/max(per, 1) {
				return tooManyBuckets(max(n, mult*per), env.maxBuckets)
			}
			env.buckets += n
			if env.buckets > env.maxBuckets {
				return tooManyBuckets(env.buckets, env.maxBuckets)
			}
			if err := env.check(a.Subs, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// newPass starts a pass over the rows with fresh collectors; the last
// pass's are dropped, so the budget meters this pass alone.
func (env *aggEnv) newPass(specs []Agg) *aggRoot {
	env.budget.Reset()
	return &aggRoot{env: env, colls: env.newCollectors(specs)}
}

// newCollectors builds fresh collectors for specs (one bucket's worth).
func (env *aggEnv) newCollectors(specs []Agg) []collector {
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

// aggRoot is the scan visitor of an aggregation request.
type aggRoot struct {
	env   *aggEnv
	colls []collector
	docs  int64
	row   aggRow
	cols  []*column.Column
	// rowColls are the collectors that need this block row by row.
	rowColls []collector
	hints    []int // per slot, for fieldIndex
}

func (a *aggRoot) wantBlock(*split.BlockMeta) bool { return true }

func (a *aggRoot) block(bs *blockScan) error {
	if bs.full() && a.countOnly(bs.bm) {
		a.docs += int64(bs.bm.Rows)
		return nil
	}
	sel, err := bs.matches()
	if err != nil {
		return err
	}
	n := sel.Count()
	if n == 0 || len(a.colls) == 0 {
		a.docs += int64(n)
		return nil
	}
	var ts []int64
	if a.env.needTS {
		if ts, err = bs.br.Timestamps(); err != nil {
			return err
		}
	}
	a.cols = a.cols[:0]
	for _, f := range a.env.fields {
		if f == a.env.tsField {
			a.cols = append(a.cols, nil) // filled from ts per row
			continue
		}
		c, err := bs.br.Column(f)
		if err != nil {
			return err
		}
		a.cols = append(a.cols, c)
	}
	// Counted once every column is read, so a damaged block adds nothing.
	a.docs += int64(n)
	a.rowColls = a.rowColls[:0]
	for _, c := range a.colls {
		if bc, ok := c.(blockCollector); !ok || !bc.collectBlock(sel, ts, a.cols) {
			a.rowColls = append(a.rowColls, c)
		}
	}
	if len(a.rowColls) == 0 {
		return a.env.err
	}
	a.row.vals = column.ReuseSlice(a.row.vals, len(a.cols))
	a.row.has = column.ReuseSlice(a.row.has, len(a.cols))
	sel.ForEach(func(r int) {
		if ts != nil {
			a.row.ts = ts[r]
		}
		for i, c := range a.cols {
			if c == nil {
				a.row.vals[i], a.row.has[i] = event.TimeNanosValue(ts[r]), true
				continue
			}
			a.row.vals[i], a.row.has[i] = c.Value(r)
		}
		for _, c := range a.rowColls {
			c.collect(&a.row)
		}
	})
	return a.env.err
}

// countOnly hands a whole block to collectors that can take it by count;
// it succeeds only if every collector does.
func (a *aggRoot) countOnly(bm *split.BlockMeta) bool {
	for _, c := range a.colls {
		cc, ok := c.(countCollector)
		if !ok || !cc.collectCount(bm.MinTime, bm.MaxTime, 0) {
			return false
		}
	}
	for _, c := range a.colls {
		c.(countCollector).collectCount(bm.MinTime, bm.MaxTime, bm.Rows)
	}
	return true
}

func (a *aggRoot) event(ev *event.Event) bool {
	a.docs++
	a.row.ts = ev.Timestamp
	a.row.vals = column.ReuseSlice(a.row.vals, len(a.env.fields))
	a.row.has = column.ReuseSlice(a.row.has, len(a.env.fields))
	a.hints = column.ReuseSlice(a.hints, len(a.env.fields))
	for i, f := range a.env.fields {
		if f == a.env.tsField {
			a.row.vals[i], a.row.has[i] = event.TimeNanosValue(ev.Timestamp), true
			continue
		}
		if j := event.FieldIndex(ev, f, &a.hints[i]); j >= 0 {
			a.row.vals[i], a.row.has[i] = ev.Fields[j].Value, true
		} else {
			a.row.vals[i], a.row.has[i] = event.Value{}, false
		}
	}
	for _, c := range a.colls {
		c.collect(&a.row)
	}
	return a.env.err == nil
}

// subResults returns the results of a bucket's sub-collectors, building
// empty ones for a bucket that never saw a row.
func subResults(env *aggEnv, specs []Agg, colls []collector) []AggValue {
	if len(specs) == 0 {
		return nil
	}
	if colls == nil {
		colls = env.newCollectors(specs)
	}
	return results(specs, colls)
}
