package server

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// esIndex is one index a request resolved to, with what translating the
// request needs to know of it.
type esIndex struct {
	id      string
	cfg     engine.IndexConfig
	stats   engine.IndexStats
	schema  *esSchema
	outputs engine.OutputFormats
}

// indexNotFoundError is Elasticsearch's index_not_found_exception (404).
type indexNotFoundError struct{ index string }

func (e *indexNotFoundError) Error() string {
	return fmt.Sprintf("no such index [%s]; list the indexes with GET /api/v1/indexes", e.index)
}

// resolveIndexes turns an index expression (ids, '*' patterns, comma
// lists) into indexes; a missing concrete index is an error unless
// ignoreUnavailable.
func resolveIndexes(eng *engine.Engine, expr string, ignoreUnavailable bool) ([]esIndex, error) {
	if expr == "" {
		expr = "_all"
	}
	ids, missing, err := matchIndexPatterns(eng.ListIndexes(), expr)
	if err != nil {
		return nil, illegalArgument("%v", err)
	}
	if len(missing) > 0 && !ignoreUnavailable {
		return nil, &indexNotFoundError{index: missing[0]}
	}
	out := make([]esIndex, 0, len(ids))
	for _, id := range ids {
		cfg, stats, err := eng.DescribeIndex(id)
		if err != nil {
			continue // deleted since listed
		}
		fields, err := eng.Fields(id)
		if err != nil {
			continue
		}
		sc := &esSchema{timestampField: cfg.DocMapping.TimestampField, types: map[string]string{}, tokenized: map[string]bool{}}
		for _, f := range fields {
			sc.types[f.Name] = f.Type
			sc.tokenized[f.Name] = (f.Type == engine.TypeText && !f.Aggregatable) || f.Type == "string"
		}
		outputs, err := eng.OutputFormats(id)
		if err != nil {
			continue
		}
		out = append(out, esIndex{id: id, cfg: cfg, stats: stats, schema: sc, outputs: outputs})
	}
	return out, nil
}

// indexPlan is a request compiled for one index.
type indexPlan struct {
	ix         esIndex
	text       string
	start, end time.Time
	empty      bool // the time range holds nothing
}

func planIndex(ix esIndex, raw []byte, now time.Time, limits query.Limits) (indexPlan, error) {
	n, err := compileDSL(raw, ix.schema, limits)
	if err != nil {
		return indexPlan{}, err
	}
	rest, start, end := splitTimeRange(n, ix.schema.timestampField, now)
	p := indexPlan{ix: ix, start: start, end: end}
	if _, all := rest.(query.MatchAll); !all {
		p.text = query.Print(rest)
	}
	p.empty = !start.IsZero() && !end.IsZero() && !start.Before(end)
	return p, nil
}

// hitRow is one hit of a multi-index search.
type hitRow struct {
	index   string
	ts      string
	ev      engine.Event
	outputs engine.OutputFormats
}

// searchResult is a search over every index a request resolved to.
type searchResult struct {
	hits     []hitRow
	total    int64
	aggs     []engine.AggValue
	ranges   map[string][]rangeBucket
	skipped  []string
	warnings []string
}

func runSearch(ctx context.Context, eng *engine.Engine, req *esSearchRequest, indexes []esIndex, now time.Time) (*searchResult, error) {
	order, err := sortOrder(req.sort, indexes)
	if err != nil {
		return nil, err
	}
	after, err := parseSearchAfter(req, indexes)
	if err != nil {
		return nil, err
	}
	res := &searchResult{}
	limit := req.from + req.size
	for _, ix := range indexes {
		p, err := planIndex(ix, req.query, now, eng.ParseLimits())
		if err != nil {
			return nil, err
		}
		if p.empty {
			continue
		}
		if limit > 0 || req.trackLimit != 0 {
			sr, err := eng.Search(ctx, engine.SearchRequest{Index: ix.id, Query: p.text, Start: p.start, End: p.end,
				Limit: max(limit, 1), Order: order, After: after.cursorFor(ix.id, order), CountTotal: req.trackLimit != 0, Now: now})
			if err != nil {
				return nil, err
			}
			res.total += sr.Total
			if limit > 0 {
				for _, h := range sr.Hits {
					res.hits = append(res.hits, hitRow{index: ix.id, ts: ix.schema.timestampField, ev: h.Event, outputs: ix.outputs})
				}
			}
			res.skipped = append(res.skipped, sr.SkippedSplits...)
			res.warnings = append(res.warnings, sr.Warnings...)
		}
		if len(req.aggs) > 0 {
			if err := res.addAggs(ctx, eng, req.aggs, p, now); err != nil {
				return nil, err
			}
		}
	}
	sortHits(res.hits, order)
	res.hits = res.hits[min(req.from, len(res.hits)):min(limit, len(res.hits))]
	return res, nil
}

// addAggs aggregates one index and merges it into the result.
func (res *searchResult) addAggs(ctx context.Context, eng *engine.Engine, specs []*aggSpec, p indexPlan, now time.Time) error {
	base := engine.AggRequest{Index: p.ix.id, Query: p.text, Start: p.start, End: p.end, Now: now}
	if hasDateHistogram(specs) && (base.Start.IsZero() || base.End.IsZero()) {
		lo, hi, ok := dateBounds(specs, p.ix.stats)
		if !ok {
			return nil // no bounds and no data: nothing to bucket
		}
		if base.Start.IsZero() {
			base.Start = lo
		}
		if base.End.IsZero() {
			base.End = hi
		}
		if !base.Start.Before(base.End) {
			return nil
		}
	}
	ar, ranges, err := aggregate(ctx, eng, base, specs)
	if err != nil {
		return err
	}
	res.skipped = append(res.skipped, ar.SkippedSplits...)
	res.warnings = append(res.warnings, ar.Warnings...)
	if res.aggs == nil {
		res.aggs, res.ranges = ar.Aggs, ranges
		return nil
	}
	if res.aggs, err = mergeAggValues(engineAggs(specs), res.aggs, ar.Aggs); err != nil {
		return err
	}
	for name, buckets := range ranges {
		for i := range buckets {
			prev := &res.ranges[name][i]
			prev.docCount += buckets[i].docCount
			if prev.aggs, err = mergeAggValues(engineAggs(rangeSubs(specs, name)), prev.aggs, buckets[i].aggs); err != nil {
				return err
			}
		}
	}
	return nil
}

func rangeSubs(specs []*aggSpec, name string) []*aggSpec {
	for _, s := range specs {
		if s.name == name {
			return s.subs
		}
	}
	return nil
}

// dateBounds is the range a date histogram covers when the query gives
// none: its extended_bounds, else the index's data, as Elasticsearch does.
func dateBounds(specs []*aggSpec, stats engine.IndexStats) (time.Time, time.Time, bool) {
	for _, s := range specs {
		if s.extBounds != nil {
			return time.UnixMilli(s.extBounds[0]), time.UnixMilli(s.extBounds[1] + 1), true
		}
		if lo, hi, ok := dateBounds(s.subs, stats); ok {
			return lo, hi, ok
		}
	}
	if stats.MinTime == 0 && stats.MaxTime == 0 {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(0, stats.MinTime), time.Unix(0, stats.MaxTime+1), true
}

// aggregate runs specs over one index: the engine's aggregations in one
// pass, and each range bucket as one more pass filtered to its range.
func aggregate(ctx context.Context, eng *engine.Engine, base engine.AggRequest, specs []*aggSpec) (engine.AggResult, map[string][]rangeBucket, error) {
	base.Aggs = engineAggs(specs)
	res, err := eng.Aggregate(ctx, base)
	if err != nil {
		return engine.AggResult{}, nil, err
	}
	ranges := map[string][]rangeBucket{}
	for _, s := range specs {
		if s.kind != "range" {
			continue
		}
		for _, rg := range s.ranges {
			r := query.Range{Field: s.rangeField, Lower: query.Bound{Unbounded: true}, Upper: query.Bound{Unbounded: true}}
			if rg.from != nil {
				r.Lower = query.Bound{Value: strconv.FormatFloat(*rg.from, 'f', -1, 64), Inclusive: true}
			}
			if rg.to != nil {
				r.Upper = query.Bound{Value: strconv.FormatFloat(*rg.to, 'f', -1, 64)}
			}
			sub := base
			sub.Query = query.Print(r)
			if base.Query != "" {
				sub.Query = "(" + base.Query + ") AND " + sub.Query
			}
			sub.Aggs = engineAggs(s.subs)
			rr, err := eng.Aggregate(ctx, sub)
			if err != nil {
				return engine.AggResult{}, nil, err
			}
			ranges[s.name] = append(ranges[s.name], rangeBucket{spec: rg, docCount: rr.DocCount, aggs: rr.Aggs})
		}
	}
	return res, ranges, nil
}

// mergeAggValues combines the aggregations of two indexes: bucket counts
// add up by key and metrics combine, except percentiles and cardinality,
// whose sketches are not exposed, so they are refused across indexes that
// both hold values.
func mergeAggValues(specs []engine.Agg, a, b []engine.AggValue) ([]engine.AggValue, error) {
	out := make([]engine.AggValue, len(a))
	for i := range a {
		if i >= len(b) || i >= len(specs) {
			out[i] = a[i]
			continue
		}
		s, x, y := specs[i], a[i], b[i]
		if s.Metric != nil {
			m, err := mergeMetric(s, x.Metric, y.Metric)
			if err != nil {
				return nil, err
			}
			out[i] = engine.AggValue{Name: x.Name, Metric: m}
			continue
		}
		merged := engine.AggValue{Name: x.Name, Other: x.Other + y.Other, Missing: x.Missing + y.Missing}
		byKey := map[string]int{}
		for _, list := range [][]engine.Bucket{x.Buckets, y.Buckets} {
			for _, bk := range list {
				j, ok := byKey[bk.Key]
				if !ok {
					byKey[bk.Key] = len(merged.Buckets)
					merged.Buckets = append(merged.Buckets, bk)
					continue
				}
				m := &merged.Buckets[j]
				m.DocCount += bk.DocCount
				subs, err := mergeAggValues(s.Subs, m.Aggs, bk.Aggs)
				if err != nil {
					return nil, err
				}
				m.Aggs = subs
			}
		}
		slices.SortStableFunc(merged.Buckets, func(p, q engine.Bucket) int {
			if s.Terms != nil && !s.Terms.OrderByKey {
				if c := cmp.Compare(q.DocCount, p.DocCount); c != 0 {
					return c
				}
			}
			return compareKeys(p, q)
		})
		out[i] = merged
	}
	return out, nil
}

func mergeMetric(s engine.Agg, x, y *engine.MetricValue) (*engine.MetricValue, error) {
	if x == nil {
		return y, nil
	}
	if y == nil {
		return x, nil
	}
	has := func(m *engine.MetricValue) bool {
		if m.Cardinality > 0 || m.Count > 0 {
			return true
		}
		for _, p := range m.Percentiles {
			if !math.IsNaN(p.Value) {
				return true
			}
		}
		return false
	}
	switch s.Metric.Kind {
	case engine.MetricPercentiles, engine.MetricCardinality:
		if has(x) && has(y) {
			return nil, illegalArgument("%s [%s] over several indexes cannot be combined exactly; query one index", s.Metric.Kind, s.Name)
		}
		if has(y) {
			return y, nil
		}
		return x, nil
	}
	m := &engine.MetricValue{Count: x.Count + y.Count, Sum: x.Sum + y.Sum, Min: nanMin(x.Min, y.Min), Max: -nanMin(-x.Max, -y.Max)}
	m.Avg = math.NaN()
	if m.Count > 0 {
		m.Avg = m.Sum / float64(m.Count)
	}
	return m, nil
}

func nanMin(a, b float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return math.Min(a, b)
}

// sortOrder maps the request's sort to the engine's order: by the
// timestamp field, or by _doc (ingest order, which Triage keeps as
// timestamp order); _score (no scores here) and no sort mean newest first.
func sortOrder(keys []esSortKey, indexes []esIndex) (engine.Order, error) {
	order := engine.Desc
	for i, k := range keys {
		switch {
		case k.field == "_score":
		case k.field == "_doc" || k.field == "_shard_doc" || isTimestampField(k.field, indexes):
			if i == 0 || keys[0].field == "_score" {
				order = engine.Asc
				if k.desc {
					order = engine.Desc
				}
			}
		default:
			return 0, illegalArgument("sort by [%s] is not supported: Triage sorts hits by the timestamp field (%s), _doc or _score",
				k.field, timestampFields(indexes))
		}
		if k.format != "" && !isTimestampField(k.field, indexes) {
			return 0, illegalArgument("sort format applies to the timestamp field, not [%s]", k.field)
		}
	}
	return order, nil
}

func isTimestampField(f string, indexes []esIndex) bool {
	for _, ix := range indexes {
		if ix.schema.timestampField == f {
			return true
		}
	}
	return false
}

func timestampFields(indexes []esIndex) string {
	var names []string
	for _, ix := range indexes {
		if !slices.Contains(names, ix.schema.timestampField) {
			names = append(names, ix.schema.timestampField)
		}
	}
	return strings.Join(names, ", ")
}

// sortHits orders hits of several indexes by (timestamp, index, seq).
func sortHits(hits []hitRow, order engine.Order) {
	slices.SortStableFunc(hits, func(a, b hitRow) int {
		c := cmp.Compare(a.ev.Timestamp, b.ev.Timestamp)
		if c == 0 {
			c = strings.Compare(a.index, b.index)
		}
		if c == 0 {
			c = cmp.Compare(a.ev.Seq, b.ev.Seq)
		}
		if order == engine.Desc {
			c = -c
		}
		return c
	})
}
