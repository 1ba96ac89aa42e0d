package engine

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// defaultTermsSize is Elasticsearch's default terms size.
const defaultTermsSize = 10

func termsSize(t *TermsAgg) int {
	if t.Size == 0 {
		return defaultTermsSize
	}
	return t.Size
}

// termsCollector counts rows per distinct value of a field. Values are
// keyed by their typed Value, so numbers are not formatted per row; rows
// without the field are counted as missing.
type termsCollector struct {
	env     *aggEnv
	spec    *TermsAgg
	specs   []Agg
	slot    int
	buckets map[Value]*termBucket
	missing int64
}

type termBucket struct {
	key   Value
	count int64
	subs  []collector
}

func newTermsCollector(env *aggEnv, a *Agg) *termsCollector {
	return &termsCollector{env: env, spec: a.Terms, specs: a.Subs, slot: env.slot(a.Terms.Field), buckets: map[Value]*termBucket{}}
}

func (t *termsCollector) collect(r *aggRow) {
	v := &r.vals[t.slot]
	if !r.has[t.slot] || (v.Kind == KindFloat64 && math.IsNaN(v.Float)) {
		t.missing++
		return
	}
	b := t.buckets[*v]
	if b == nil {
		b = &termBucket{key: *v}
		if len(t.specs) > 0 {
			b.subs = t.env.newCollectors(t.specs)
		}
		t.buckets[*v] = b
	}
	b.count++
	for _, c := range b.subs {
		c.collect(r)
	}
}

func (t *termsCollector) result() AggValue {
	all := make([]*termBucket, 0, len(t.buckets))
	for _, b := range t.buckets {
		all = append(all, b)
	}
	byKey := func(a, b *termBucket) int { return compareKeys(&a.key, &b.key) }
	if t.spec.OrderByKey {
		slices.SortFunc(all, byKey)
	} else {
		slices.SortFunc(all, func(a, b *termBucket) int {
			if c := cmp.Compare(b.count, a.count); c != 0 {
				return c
			}
			return byKey(a, b)
		})
	}
	out := AggValue{Missing: t.missing}
	size := termsSize(t.spec)
	for i, b := range all {
		if i >= size {
			out.Other += b.count
			continue
		}
		num, _ := b.key.AsFloat()
		out.Buckets = append(out.Buckets, Bucket{Key: b.key.Text(), KeyNum: num, DocCount: b.count, Aggs: subResults(t.env, t.specs, b.subs)})
	}
	return out
}

// compareKeys orders term keys: numbers numerically, before text.
func compareKeys(a, b *Value) int {
	fa, na := a.AsFloat()
	fb, nb := b.AsFloat()
	switch {
	case na && nb:
		if c := cmp.Compare(fa, fb); c != 0 {
			return c
		}
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a.Text(), b.Text())
}
