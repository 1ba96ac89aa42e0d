package agg

// A terms aggregation with sub-aggregations needs sub-collectors for every
// distinct key it meets (a date histogram per user id, for "top 10 users
// over time"), though only its Size top keys are returned. A request is
// first run in one pass, optimistically, while few such keys turn up (the
// usual group by service or level). Past maxExpansions keys the pass is
// abandoned and such terms run in passes instead: a pass counts their keys
// without the sub-aggregations, the top keys are kept, and the next pass
// builds sub-collectors for those keys only, counting the rest into Other.
// Terms nested under such terms are settled one level per pass. Either
// way the answer is exact: a terms' top keys depend only on counts.

import (
	"errors"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// maxExpansions bounds the terms buckets given sub-collectors in the
// optimistic single pass (about 12 MB of per-minute day histograms).
const maxExpansions = 1024

// errTooManyExpansions abandons the optimistic pass.
var errTooManyExpansions = errors.New("too many terms keys with sub-aggregations for one pass")

// runPasses computes specs over what scan feeds each pass and returns the final pass's root.
func (env *aggEnv) runPasses(scan func(*Root) error, specs []Spec) (*Root, error) {
	levels := termsLevels(specs)
	if len(levels) > 0 {
		env.expansions = maxExpansions
		root := env.newPass(specs)
		err := scan(root)
		if !errors.Is(err, errTooManyExpansions) && !errors.Is(env.err, errTooManyExpansions) {
			return root, err
		}
		env.err, env.expansions = nil, -1
	}
	env.allowed = map[*TermsAgg]map[event.Value]bool{}
	for _, level := range levels {
		env.countOnly = map[*TermsAgg]bool{}
		for _, t := range level {
			env.countOnly[t] = true
		}
		root := env.newPass(specs)
		if err := scan(root); err != nil {
			return nil, err
		}
		if env.err != nil {
			return nil, env.err
		}
		env.keepTopKeys(root.colls)
	}
	env.countOnly = nil
	root := env.newPass(specs)
	return root, scan(root)
}

// termsLevels lists, per nesting level, the terms aggregations that have
// sub-aggregations; level n is enclosed by n such terms.
func termsLevels(specs []Spec) [][]*TermsAgg {
	var levels [][]*TermsAgg
	var walk func(specs []Spec, depth int)
	walk = func(specs []Spec, depth int) {
		for i := range specs {
			a := &specs[i]
			d := depth
			if a.Terms != nil && len(a.Subs) > 0 {
				for len(levels) <= depth {
					levels = append(levels, nil)
				}
				levels[depth] = append(levels[depth], a.Terms)
				d++
			}
			walk(a.Subs, d)
		}
	}
	walk(specs, 0)
	return levels
}

// walkCollectors calls fn for every collector of a tree, parents first.
func walkCollectors(colls []collector, fn func(collector)) {
	for _, c := range colls {
		fn(c)
		switch v := c.(type) {
		case *dateHistogram:
			for _, subs := range v.subs {
				walkCollectors(subs, fn)
			}
		case *termsCollector:
			for _, b := range v.buckets {
				walkCollectors(b.subs, fn)
			}
		case *histogramCollector:
			for _, subs := range v.bsubs {
				walkCollectors(subs, fn)
			}
			for _, b := range v.keyed {
				walkCollectors(b.subs, fn)
			}
		}
	}
}

// keepTopKeys records, after a counting pass, the top keys of every
// instance of the terms counted in it: the keys the next pass may expand.
func (env *aggEnv) keepTopKeys(colls []collector) {
	walkCollectors(colls, func(c collector) {
		t, ok := c.(*termsCollector)
		if !ok || !env.countOnly[t.spec] {
			return
		}
		set := env.allowed[t.spec]
		if set == nil {
			set = map[event.Value]bool{}
			env.allowed[t.spec] = set
		}
		for _, b := range t.Sorted()[:min(termsSize(t.spec), len(t.buckets))] {
			set[b.key] = true
		}
	})
}
