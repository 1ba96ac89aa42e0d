package agg

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
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
	specs   []Spec
	slot    int
	buckets map[event.Value]*termBucket
	missing int64
	// allowed, when set, are the only keys given buckets; rows with other
	// keys are counted in rest, which ends up in Other.
	allowed map[event.Value]bool
	rest    int64
	// ids and few are per-block tallies of the block fast path.
	ids []int64
	few []intTally
}

// intTally counts one integer value of a block.
type intTally struct {
	v int64
	n int64
}

// maxFewInts bounds the distinct integers tallied by linear search per
// block (status codes, small enums) before falling back to the map.
const maxFewInts = 32

type termBucket struct {
	key   event.Value
	count int64
	subs  []collector
}

func newTermsCollector(env *aggEnv, a *Spec) *termsCollector {
	t := &termsCollector{env: env, spec: a.Terms, specs: a.Subs, slot: env.slot(a.Terms.Field), buckets: map[event.Value]*termBucket{}}
	if env.countOnly[a.Terms] {
		t.specs = nil
	} else if len(a.Subs) > 0 {
		t.allowed = env.allowed[a.Terms]
	}
	return t
}

func (t *termsCollector) collect(r *aggRow) {
	v := &r.vals[t.slot]
	if !r.has[t.slot] || (v.Kind == event.KindFloat64 && math.IsNaN(v.Float())) {
		t.missing++
		return
	}
	key := v.Key()
	if t.allowed != nil && !t.allowed[key] {
		t.rest++
		return
	}
	b := t.buckets[key]
	if b == nil {
		t.env.charge(budget.TermKeyCost(v))
		b = &termBucket{key: key}
		if len(t.specs) > 0 {
			if t.env.expansions > 0 {
				t.env.expansions--
				if t.env.expansions == 0 {
					t.env.err = errTooManyExpansions
				}
			}
			b.subs = t.env.newCollectors(t.specs)
		}
		t.buckets[key] = b
	}
	b.count++
	for _, c := range b.subs {
		c.collect(r)
	}
}

// collectBlock tallies a dictionary column per entry and a low-cardinality
// integer column in a small table, then adds the block's tallies to the
// buckets once; terms with sub-aggregations go row by row.
func (t *termsCollector) collectBlock(sel search.Rows, _ []int64, cols []*column.Column) bool {
	if len(t.specs) > 0 {
		return false
	}
	col := cols[t.slot]
	switch {
	case col == nil || col.Kinds != nil:
		return false
	case col.Encoding == column.EncStrDict:
		t.ids = column.ReuseSlice(t.ids, len(col.Dict))
		clear(t.ids)
		present := 0
		sel.ForEach(func(r int) {
			if col.IsPresent(r) {
				t.ids[col.IDs[r]]++
				present++
			}
		})
		t.missing += int64(sel.Count() - present)
		for id, n := range t.ids {
			if n > 0 {
				t.add(event.Value{Kind: col.Kind, Str: col.Dict[id]}, n)
			}
		}
		return true
	case col.Kind == event.KindInt64:
		if !t.tallyInts(sel, col) {
			return false
		}
		for _, e := range t.few {
			t.add(event.Int64Value(e.v), e.n)
		}
		return true
	}
	return false
}

// tallyInts counts the block's integers into t.few, or reports false
// (having counted nothing) when they have too many distinct values.
func (t *termsCollector) tallyInts(sel search.Rows, col *column.Column) bool {
	t.few = t.few[:0]
	missing := int64(0)
	ok := true
	sel.ForEach(func(r int) {
		if !ok {
			return
		}
		if !col.IsPresent(r) {
			missing++
			return
		}
		v := col.Ints[r]
		for i := range t.few {
			if t.few[i].v == v {
				t.few[i].n++
				return
			}
		}
		if len(t.few) == maxFewInts {
			ok = false
			return
		}
		t.few = append(t.few, intTally{v: v, n: 1})
	})
	if ok {
		t.missing += missing
	}
	return ok
}

func (t *termsCollector) add(v event.Value, n int64) {
	v = v.Key()
	if t.allowed != nil && !t.allowed[v] {
		t.rest += n
		return
	}
	b := t.buckets[v]
	if b == nil {
		t.env.charge(budget.TermKeyCost(&v))
		b = &termBucket{key: v}
		t.buckets[v] = b
	}
	b.count += n
}

// Sorted returns the buckets in result order: by count descending then
// key, or by key.
func (t *termsCollector) Sorted() []*termBucket {
	all := make([]*termBucket, 0, len(t.buckets))
	for _, b := range t.buckets {
		all = append(all, b)
	}
	byKey := func(a, b *termBucket) int { return CompareKeys(&a.key, &b.key) }
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
	return all
}

func (t *termsCollector) result() Value {
	out := Value{Missing: t.missing, Other: t.rest}
	size := termsSize(t.spec)
	for i, b := range t.Sorted() {
		if i >= size {
			out.Other += b.count
			continue
		}
		num, _ := b.key.AsFloat()
		out.Buckets = append(out.Buckets, Bucket{Key: b.key.Text(), KeyNum: num, DocCount: b.count, Aggs: subResults(t.env, t.specs, b.subs)})
	}
	return out
}

// CompareKeys orders term keys as terms buckets sorted by key and the
// field-values listing show them: numbers numerically, before text.
func CompareKeys(a, b *event.Value) int {
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
