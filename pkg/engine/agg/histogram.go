package agg

import (
	"math"
	"sort"
	"strconv"
)

// histogramCollector buckets numeric values: at a fixed interval (empty
// buckets between the lowest and highest filled), or by explicit bounds for
// heatmaps, bucket i = (Bounds[i-1], Bounds[i]] plus an overflow bucket.
type histogramCollector struct {
	env    *aggEnv
	spec   *HistogramAgg
	specs  []Spec
	slot   int
	keyed  map[int64]*termBucket // interval mode, by floor(value / interval)
	bounds []int64               // bounds mode counts
	bsubs  [][]collector
}

func newHistogramCollector(env *aggEnv, a *Spec) *histogramCollector {
	h := &histogramCollector{env: env, spec: a.Histogram, specs: a.Subs, slot: env.slot(a.Histogram.Field)}
	if len(h.spec.Bounds) > 0 {
		h.bounds = make([]int64, len(h.spec.Bounds)+1)
		h.bsubs = make([][]collector, len(h.bounds))
	} else {
		h.keyed = map[int64]*termBucket{}
	}
	return h
}

func (h *histogramCollector) collect(r *aggRow) {
	if !r.has[h.slot] {
		return
	}
	v, ok := r.vals[h.slot].AsFloat()
	if !ok {
		return
	}
	var subs *[]collector
	if h.keyed == nil {
		i := sort.SearchFloat64s(h.spec.Bounds, v)
		h.bounds[i]++
		subs = &h.bsubs[i]
	} else {
		f := math.Floor(v / h.spec.Interval)
		if f < -(1<<62) || f > 1<<62 {
			return
		}
		key := int64(f)
		b := h.keyed[key]
		if b == nil {
			b = &termBucket{}
			h.keyed[key] = b
		}
		b.count++
		subs = &b.subs
	}
	if len(h.specs) == 0 {
		return
	}
	if *subs == nil {
		*subs = h.env.newCollectors(h.specs)
	}
	for _, c := range *subs {
		c.collect(r)
	}
}

func (h *histogramCollector) result() Value {
	var out Value
	if h.keyed == nil {
		for i, n := range h.bounds {
			edge := math.Inf(1)
			if i < len(h.spec.Bounds) {
				edge = h.spec.Bounds[i]
			}
			out.Buckets = append(out.Buckets, Bucket{Key: strconv.FormatFloat(edge, 'g', -1, 64), KeyNum: edge, DocCount: n,
				Aggs: subResults(h.env, h.specs, h.bsubs[i])})
		}
		return out
	}
	if len(h.keyed) == 0 {
		return out
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for k := range h.keyed {
		lo, hi = min(lo, k), max(hi, k)
	}
	if span := hi - lo; span >= int64(h.env.maxBuckets-h.env.buckets) {
		h.env.err = tooManyBuckets(h.env.buckets+int(min(span, 1<<40))+1, h.env.maxBuckets)
		return out
	}
	h.env.buckets += int(hi-lo) + 1
	for k := lo; k <= hi; k++ {
		b := h.keyed[k]
		edge := float64(k) * h.spec.Interval
		bk := Bucket{Key: strconv.FormatFloat(edge, 'g', -1, 64), KeyNum: edge}
		var subs []collector
		if b != nil {
			bk.DocCount, subs = b.count, b.subs
		}
		bk.Aggs = subResults(h.env, h.specs, subs)
		out.Buckets = append(out.Buckets, bk)
	}
	return out
}
