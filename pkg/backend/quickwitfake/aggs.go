package quickwitfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxBuckets is Quickwit's aggregation bucket limit.
const maxBuckets = 65_000

// aggEval evaluates one request's aggregations over the matching documents.
type aggEval struct {
	s       *Server
	ix      *index
	buckets int
}

func (e *aggEval) run(raw json.RawMessage, docs []*doc) (map[string]any, error) {
	var specs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &specs); err != nil {
		return nil, bad("aggs must be an object: %v", err)
	}
	out := map[string]any{}
	for name, spec := range specs {
		v, err := e.one(name, spec, docs)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// one evaluates an aggregation: one kind plus optional sub-aggregations.
func (e *aggEval) one(name string, spec json.RawMessage, docs []*doc) (any, error) {
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(spec, &parts); err != nil {
		return nil, bad("aggregation `%s` must be an object", name)
	}
	subs := parts["aggs"]
	if subs == nil {
		subs = parts["aggregations"]
	}
	delete(parts, "aggs")
	delete(parts, "aggregations")
	if len(parts) != 1 {
		return nil, bad("aggregation `%s` must have exactly one kind, got %d", name, len(parts))
	}
	for kind, body := range parts {
		switch kind {
		case "date_histogram":
			return e.dateHistogram(name, body, subs, docs)
		case "terms":
			return e.terms(name, body, subs, docs)
		case "histogram":
			return e.histogram(name, body, subs, docs)
		case "range":
			return e.ranges(name, body, subs, docs)
		case "avg", "sum", "min", "max", "value_count", "stats":
			return e.metric(kind, body, docs)
		case "percentiles":
			return e.percentiles(body, docs)
		case "cardinality":
			if !e.s.atLeast(9) {
				return nil, bad("unknown variant `cardinality`, expected one of `avg`, `date_histogram`, `histogram`, `max`, `min`, `percentiles`, `range`, `stats`, `sum`, `terms`, `value_count`")
			}
			return e.cardinality(body, docs)
		}
		return nil, bad("unknown aggregation kind `%s` in `%s`", kind, name)
	}
	return nil, nil
}

// group is a bucket's documents; key is its ES key.
type group struct {
	key  any
	docs []*doc
	from any
	to   any
}

// render writes buckets with their sub-aggregations, counting them.
func (e *aggEval) render(groups []group, subs json.RawMessage, extra func(group, map[string]any)) ([]any, error) {
	if e.buckets += len(groups); e.buckets > maxBuckets {
		return nil, bad("Aborting aggregation because too many buckets were created (limit %d)", maxBuckets)
	}
	out := make([]any, 0, len(groups))
	for _, g := range groups {
		b := map[string]any{"key": g.key, "doc_count": len(g.docs)}
		if extra != nil {
			extra(g, b)
		}
		if len(subs) > 0 {
			sub, err := e.run(subs, g.docs)
			if err != nil {
				return nil, err
			}
			for k, v := range sub {
				b[k] = v
			}
		}
		out = append(out, b)
	}
	return out, nil
}

func (e *aggEval) dateHistogram(name string, body, subs json.RawMessage, docs []*doc) (any, error) {
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(body, &keys)
	for _, k := range []string{"interval", "calendar_interval"} {
		if _, ok := keys[k]; ok {
			return nil, bad("date_histogram `%s`: `%s` is not supported, only fixed_interval", name, k)
		}
	}
	var v struct {
		Field         string `json:"field"`
		FixedInterval string `json:"fixed_interval"`
		MinDocCount   *int   `json:"min_doc_count"`
		Offset        string `json:"offset"`
		Format        string `json:"format"`
		Keyed         bool   `json:"keyed"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	f, ok := e.ix.fieldOf(v.Field)
	if !ok || f.typ != "datetime" || !f.fast {
		return nil, bad("date_histogram `%s`: `%s` is not a fast datetime field", name, v.Field)
	}
	iv, err := parseInterval(v.FixedInterval)
	if err != nil {
		return nil, bad("date_histogram `%s`: %v", name, err)
	}
	byKey := map[int64][]*doc{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, d := range docs {
		ms := datetimeOf(e.ix, f, d) / int64(time.Millisecond)
		k := floorTo(ms, iv)
		byKey[k] = append(byKey[k], d)
		lo, hi = min(lo, k), max(hi, k)
	}
	var groups []group
	for k := lo; lo <= hi && k <= hi; k += iv {
		if (hi-lo)/iv > maxBuckets {
			return nil, bad("Aborting aggregation because too many buckets were created (limit %d)", maxBuckets)
		}
		if v.MinDocCount != nil && len(byKey[k]) < *v.MinDocCount {
			continue
		}
		groups = append(groups, group{key: float64(k), docs: byKey[k]})
	}
	buckets, err := e.render(groups, subs, func(g group, b map[string]any) {
		b["key_as_string"] = time.UnixMilli(int64(g.key.(float64))).UTC().Format(time.RFC3339)
	})
	return map[string]any{"buckets": buckets}, err
}

func floorTo(v, iv int64) int64 {
	q := v / iv
	if v%iv != 0 && v < 0 {
		q--
	}
	return q * iv
}

// parseInterval reads a fixed interval in milliseconds: 30s, 1m, 500ms…
func parseInterval(s string) (int64, error) {
	for _, u := range []struct {
		suffix string
		ms     int64
	}{{"ms", 1}, {"s", 1000}, {"m", 60_000}, {"h", 3_600_000}, {"d", 86_400_000}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			if v, err := strconv.ParseInt(n, 10, 64); err == nil && v > 0 {
				return v * u.ms, nil
			}
		}
	}
	return 0, fmt.Errorf("invalid fixed_interval `%s`", s)
}

func (e *aggEval) terms(name string, body, subs json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field       string            `json:"field"`
		Size        *int              `json:"size"`
		Order       map[string]string `json:"order"`
		MinDocCount *int              `json:"min_doc_count"`
		ShardSize   *int              `json:"shard_size"`
		SplitSize   *int              `json:"split_size"`
		SegmentSize *int              `json:"segment_size"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if _, ok := e.ix.fieldOf(v.Field); !ok {
		return nil, bad("terms `%s`: unknown field `%s`", name, v.Field)
	}
	byKey := map[any][]*doc{}
	for _, d := range docs {
		seen := map[any]bool{}
		for _, x := range d.values[v.Field] {
			if !seen[x] {
				seen[x] = true
				byKey[x] = append(byKey[x], d)
			}
		}
	}
	groups := make([]group, 0, len(byKey))
	for k, ds := range byKey {
		groups = append(groups, group{key: k, docs: ds})
	}
	byKeyOrder, asc := false, false
	for k, dir := range v.Order {
		byKeyOrder, asc = k == "_key", dir == "asc"
	}
	slices.SortFunc(groups, func(a, b group) int {
		if !byKeyOrder {
			if c := cmp.Compare(len(b.docs), len(a.docs)); c != 0 {
				if asc {
					return -c
				}
				return c
			}
		}
		c := compareKeys(a.key, b.key)
		if byKeyOrder && !asc {
			return -c
		}
		return c
	})
	size := 10
	if v.Size != nil {
		size = *v.Size
	}
	other := 0
	if len(groups) > size {
		for _, g := range groups[size:] {
			other += len(g.docs)
		}
		groups = groups[:size]
	}
	buckets, err := e.render(groups, subs, nil)
	return map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": other, "buckets": buckets}, err
}

func compareKeys(a, b any) int {
	fa, na := a.(float64)
	fb, nb := b.(float64)
	switch {
	case na && nb:
		return cmp.Compare(fa, fb)
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// numbers are a field's numeric values in docs.
func numbers(docs []*doc, field string) []float64 {
	var out []float64
	for _, d := range docs {
		for _, x := range d.values[field] {
			if f, ok := x.(float64); ok {
				out = append(out, f)
			}
		}
	}
	return out
}
