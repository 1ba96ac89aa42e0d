package agg

import (
	"fmt"
	"math"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/search"
)

// Check validates specs as a run does (each kind's settings, metrics, the
// bucket limit) without reading data; start and end bound the time range
// in Unix nanoseconds, search.MinTime and search.MaxTime when open.
func Check(specs []Spec, start, end int64, maxBuckets int) error {
	env := &aggEnv{slots: map[string]int{}, start: start, end: end, maxBuckets: maxBuckets}
	return env.check(specs, 1)
}

// check validates specs, registers every field's slot (collectors built
// later inside buckets must find theirs) and refuses, before any work, a
// request whose buckets would exceed the budget (mult is the number of
// parent buckets).
func (env *aggEnv) check(specs []Spec, mult int) error {
	for _, a := range specs {
		kinds := 0
		per := 0
		if d := a.DateHistogram; d != nil {
			kinds++
			if d.Interval <= 0 {
				return fmt.Errorf("aggregation %q: date_histogram needs a positive interval", a.Name)
			}
			if env.start == search.MinTime || env.end == search.MaxTime {
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

func tooManyBuckets(n, limit int) error {
	return budget.InvalidRequest(fmt.Errorf("the query would make %d buckets, more than the limit of %d; widen the interval, lower the terms size or narrow the time range", n, limit))
}
