package agg

import (
	"time"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/search"
)

// dateHistogram counts rows per fixed time interval over the request's
// whole range, empty buckets included: dashboards draw zeros, not gaps.
type dateHistogram struct {
	env      *aggEnv
	specs    []Spec
	interval int64
	origin   int64
	counts   []int64
	subs     [][]collector
}

// dateBuckets is the number of epoch-aligned buckets covering [start, end).
func dateBuckets(start, end, interval int64) int {
	origin := floorDiv(start, interval) * interval
	return int((end - origin + interval - 1) / interval)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func newDateHistogram(env *aggEnv, a *Spec) *dateHistogram {
	iv := int64(a.DateHistogram.Interval)
	n := dateBuckets(env.start, env.end, iv)
	h := &dateHistogram{env: env, specs: a.Subs, interval: iv, origin: floorDiv(env.start, iv) * iv, counts: make([]int64, n)}
	if len(a.Subs) > 0 {
		h.subs = make([][]collector, n)
	}
	return h
}

func (h *dateHistogram) bucket(ts int64) int { return int((ts - h.origin) / h.interval) }

func (h *dateHistogram) collect(r *aggRow) {
	i := h.bucket(r.ts)
	h.counts[i]++
	if h.subs == nil {
		return
	}
	if h.subs[i] == nil {
		h.subs[i] = h.env.newCollectors(h.specs)
	}
	for _, c := range h.subs[i] {
		c.collect(r)
	}
}

// collectCount takes n rows spanning [minT, maxT] when they share a bucket
// (n = 0 only asks).
func (h *dateHistogram) collectCount(minT, maxT int64, n int) bool {
	if h.subs != nil || h.bucket(minT) != h.bucket(maxT) {
		return false
	}
	h.counts[h.bucket(minT)] += int64(n)
	return true
}

func (h *dateHistogram) result() Value {
	out := Value{Buckets: make([]Bucket, len(h.counts))}
	for i, n := range h.counts {
		start := h.origin + int64(i)*h.interval
		b := Bucket{Key: time.Unix(0, start).UTC().Format(time.RFC3339Nano), KeyNum: float64(start / int64(time.Millisecond)), DocCount: n}
		if len(h.specs) > 0 {
			b.Aggs = subResults(h.env, h.specs, h.subs[i])
		}
		out.Buckets[i] = b
	}
	return out
}

// collectBlock counts a block's rows straight from its timestamps, and
// takes heatmaps in one loop (heatmap.go).
func (h *dateHistogram) collectBlock(sel search.Rows, ts []int64, cols []*column.Column) bool {
	if h.subs != nil {
		return h.collectHeatmapBlock(sel, ts, cols)
	}
	sel.ForEach(func(r int) { h.counts[h.bucket(ts[r])]++ })
	return true
}
