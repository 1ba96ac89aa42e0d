package victorialogs

import (
	"context"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/engine"
)

// Aggregate answers the aggregation tree with stats queries, one per level
// of nested buckets: each level groups by the keys of the levels above it
// plus its own (a field, the time at the interval, a field's numeric
// buckets), computes count() and the level's metrics, and the answer is cut
// into the engine's buckets here. Terms keep their top Size groups per
// parent bucket by count, as the engine's do; date histograms are filled
// over the whole range.
func (b *Backend) Aggregate(ctx context.Context, req engine.AggRequest) (engine.AggResult, error) {
	if err := aggresult.Check(req); err != nil {
		return engine.AggResult{}, err
	}
	filter, err := b.filter(req.Query, req.Start, req.End, req.Now)
	if err != nil {
		return engine.AggResult{}, err
	}
	x := &aggExec{b: b, ctx: ctx, filter: filter, start: req.Start, end: req.End}
	groups, err := x.level(req.Aggs, nil)
	if err != nil {
		return engine.AggResult{}, err
	}
	root := groups[""]
	if root == nil {
		return engine.AggResult{Aggs: aggresult.Empty(req.Aggs)}, nil
	}
	return engine.AggResult{DocCount: root.count, Aggs: root.vals}, nil
}

type aggExec struct {
	b          *Backend
	ctx        context.Context
	filter     string
	start, end time.Time
}

// group is one group of a level: its count and the level's results in it.
type group struct {
	parent string // the group id over the keys above
	key    string // the value of the level's own (last) key
	ts     int64  // the bucket start when the own key is the time
	count  int64
	vals   []engine.AggValue
}

// level computes specs inside every group of keys with one query: the
// groups' counts (the parent builds its buckets from them) and the
// metrics and bounded histograms of specs; bucket specs recurse a level down.
func (x *aggExec) level(specs []engine.Agg, keys []groupKey) (map[string]*group, error) {
	funcs := []statFunc{{name: "c", expr: "count()"}}
	for i, a := range specs {
		switch {
		case a.Metric != nil:
			funcs = append(funcs, metricFuncs(i, a.Metric)...)
		case a.Histogram != nil && len(a.Histogram.Bounds) > 0:
			if len(a.Subs) > 0 {
				return nil, &backend.UnsupportedError{Backend: backend.KindVictoriaLogs, Construct: "aggregations inside histogram bounds (" + a.Name + ")",
					Reason: "LogsQL counts bounds with conditional stats, which cannot nest further"}
			}
			funcs = append(funcs, boundFuncs(i, a.Histogram)...)
		}
	}
	groups := map[string]*group{}
	rows, err := x.query(keys, funcs)
	if err != nil {
		return nil, err
	}
	{
		for i := range rows {
			r := &rows[i]
			g := &group{parent: r.groupID(keys[:max(len(keys)-1, 0)]), ts: r.ts, vals: make([]engine.AggValue, len(specs))}
			if len(keys) > 0 {
				g.key = r.keys[keys[len(keys)-1].label()]
			} else {
				g.parent = ""
			}
			g.count, _ = strconv.ParseInt(r.vals["c"], 10, 64)
			if g.count == 0 && len(keys) > 0 {
				continue // a bucket of the time grid without events
			}
			for i, a := range specs {
				g.vals[i].Name = a.Name
				switch {
				case a.Metric != nil:
					g.vals[i].Metric = metricValue(i, a.Metric, r.vals)
				case a.Histogram != nil && len(a.Histogram.Bounds) > 0:
					g.vals[i].Buckets = boundBuckets(i, a.Histogram, r.vals)
				}
			}
			groups[r.groupID(keys)] = g
		}
	}
	for i, a := range specs {
		own, ok := ownKey(a)
		if !ok {
			continue
		}
		children, err := x.level(a.Subs, append(slices.Clip(keys), own))
		if err != nil {
			return nil, err
		}
		byParent := map[string][]*group{}
		for _, c := range children {
			byParent[c.parent] = append(byParent[c.parent], c)
		}
		if len(keys) == 0 && groups[""] == nil {
			groups[""] = &group{vals: make([]engine.AggValue, len(specs))}
		}
		for id, g := range groups {
			g.vals[i] = x.buckets(a, byParent[id])
		}
	}
	return groups, nil
}

// query counts and computes funcs per group of keys, on /select/logsql/hits
// when only counts per time and plain fields are asked.
func (x *aggExec) query(keys []groupKey, funcs []statFunc) ([]statsRow, error) {
	var step time.Duration
	var fields []string
	plain := true
	for _, k := range keys {
		switch {
		case k.isTime():
			step = k.step
		case k.width > 0:
			plain = false
		default:
			fields = append(fields, k.field)
		}
	}
	if len(funcs) == 1 && step > 0 && plain {
		return x.b.hits(x.ctx, x.filter, x.start, x.end, step, fields)
	}
	return x.b.stats(x.ctx, x.filter, x.start, x.end, keys, funcs)
}

// ownKey is the grouping a bucket aggregation adds.
func ownKey(a engine.Agg) (groupKey, bool) {
	switch {
	case a.DateHistogram != nil:
		return groupKey{step: a.DateHistogram.Interval}, true
	case a.Terms != nil:
		return groupKey{field: a.Terms.Field}, true
	case a.Histogram != nil && len(a.Histogram.Bounds) == 0:
		return groupKey{field: a.Histogram.Field, width: a.Histogram.Interval}, true
	}
	return groupKey{}, false
}

// buckets turns one parent's child groups into the spec's buckets.
func (x *aggExec) buckets(a engine.Agg, children []*group) engine.AggValue {
	out := engine.AggValue{Name: a.Name}
	switch {
	case a.DateHistogram != nil:
		origin, n := aggresult.DateBuckets(x.start, x.end, a.DateHistogram.Interval)
		iv := int64(a.DateHistogram.Interval)
		out.Buckets = make([]engine.Bucket, n)
		for i := range out.Buckets {
			out.Buckets[i] = aggresult.DateBucket(origin + int64(i)*iv)
			out.Buckets[i].Aggs = aggresult.Empty(a.Subs)
		}
		for _, c := range children {
			if i := (c.ts - origin) / iv; c.ts >= origin && i < int64(n) {
				out.Buckets[i].DocCount = c.count
				out.Buckets[i].Aggs = c.vals
			}
		}
	case a.Terms != nil:
		for _, c := range children {
			if c.key == "" {
				out.Missing += c.count // VictoriaLogs groups events without the field under ""
				continue
			}
			bk := aggresult.TermKey(c.key)
			bk.DocCount, bk.Aggs = c.count, c.vals
			out.Buckets = append(out.Buckets, bk)
		}
		aggresult.SortTerms(out.Buckets, a.Terms.OrderByKey)
		out.Buckets, out.Other = aggresult.Cut(out.Buckets, aggresult.TermsSize(a.Terms))
	case a.Histogram != nil:
		out.Buckets = fixedHistogram(a, children)
	}
	return out
}

// fixedHistogram fills a fixed-interval histogram between its lowest and
// highest non-empty bucket, as the engine does.
func fixedHistogram(a engine.Agg, children []*group) []engine.Bucket {
	iv := a.Histogram.Interval
	counts := map[int64]*group{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, c := range children {
		f, err := strconv.ParseFloat(c.key, 64)
		if err != nil {
			continue // not a number: outside any numeric bucket
		}
		k := int64(math.Floor(f/iv + 1e-9))
		counts[k] = c
		lo, hi = min(lo, k), max(hi, k)
	}
	var out []engine.Bucket
	for k := lo; k <= hi && lo <= hi; k++ {
		edge := float64(k) * iv
		bk := engine.Bucket{Key: strconv.FormatFloat(edge, 'g', -1, 64), KeyNum: edge, Aggs: aggresult.Empty(a.Subs)}
		if c := counts[k]; c != nil {
			bk.DocCount, bk.Aggs = c.count, c.vals
		}
		out = append(out, bk)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// funcName names function j of spec i in an answer.
func funcName(i int, suffix string) string { return "a" + strconv.Itoa(i) + suffix }
