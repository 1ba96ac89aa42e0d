package engine

// A terms aggregation with sub-aggregations would need sub-collectors for
// every distinct key it meets (a date histogram per user id, for "top 10
// users over time"), though only its Size top keys are returned. So such
// terms run in passes: a first pass counts their keys without the
// sub-aggregations, the top keys are kept, and the next pass builds
// sub-collectors for those keys only, counting the rest into Other. Terms
// nested under such terms are settled one level per pass. The answer is
// exact: a terms' top keys depend only on counts.

// termsLevels lists, per nesting level, the terms aggregations that have
// sub-aggregations; level n is enclosed by n such terms.
func termsLevels(specs []Agg) [][]*TermsAgg {
	var levels [][]*TermsAgg
	var walk func(specs []Agg, depth int)
	walk = func(specs []Agg, depth int) {
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
			set = map[Value]bool{}
			env.allowed[t.spec] = set
		}
		for _, b := range t.sorted()[:min(termsSize(t.spec), len(t.buckets))] {
			set[b.key] = true
		}
	})
}
