package quickwitfake

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

func (e *aggEval) numericField(kind, field string) error {
	f, ok := e.ix.fieldOf(field)
	if !ok || !f.fast {
		return bad("%s aggregation: `%s` must be a fast field", kind, field)
	}
	return nil
}

func (e *aggEval) histogram(name string, body, subs json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field       string   `json:"field"`
		Interval    float64  `json:"interval"`
		Offset      *float64 `json:"offset"`
		MinDocCount *int     `json:"min_doc_count"`
		Keyed       bool     `json:"keyed"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if err := e.numericField("histogram", v.Field); err != nil {
		return nil, err
	}
	if !(v.Interval > 0) {
		return nil, bad("histogram `%s`: interval must be positive", name)
	}
	byKey := map[int64][]*doc{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, d := range docs {
		for _, x := range d.values[v.Field] {
			f, ok := x.(float64)
			if !ok {
				continue
			}
			k := int64(math.Floor(f / v.Interval))
			byKey[k] = append(byKey[k], d)
			lo, hi = min(lo, k), max(hi, k)
		}
	}
	if lo <= hi && hi-lo > maxBuckets {
		return nil, bad("Aborting aggregation because too many buckets were created (limit %d)", maxBuckets)
	}
	var groups []group
	for k := lo; lo <= hi && k <= hi; k++ {
		groups = append(groups, group{key: float64(k) * v.Interval, docs: byKey[k]})
	}
	buckets, err := e.render(groups, subs, nil)
	return map[string]any{"buckets": buckets}, err
}

// ranges buckets values in [from, to), in the order the ranges are given.
func (e *aggEval) ranges(name string, body, subs json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field  string `json:"field"`
		Keyed  bool   `json:"keyed"`
		Ranges []struct {
			From *float64 `json:"from"`
			To   *float64 `json:"to"`
			Key  string   `json:"key"`
		} `json:"ranges"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if err := e.numericField("range", v.Field); err != nil {
		return nil, err
	}
	if v.Keyed {
		return nil, bad("fake limitation: keyed range buckets are not implemented (%s)", name)
	}
	groups := make([]group, len(v.Ranges))
	for i, r := range v.Ranges {
		key := r.Key
		if key == "" {
			key = edge(r.From) + "-" + edge(r.To)
		}
		groups[i] = group{key: key}
		if r.From != nil {
			groups[i].from = *r.From
		}
		if r.To != nil {
			groups[i].to = *r.To
		}
		for _, d := range docs {
			for _, x := range d.values[v.Field] {
				f, ok := x.(float64)
				if ok && (r.From == nil || f >= *r.From) && (r.To == nil || f < *r.To) {
					groups[i].docs = append(groups[i].docs, d)
					break
				}
			}
		}
	}
	buckets, err := e.render(groups, subs, func(g group, b map[string]any) {
		if g.from != nil {
			b["from"] = g.from
		}
		if g.to != nil {
			b["to"] = g.to
		}
	})
	return map[string]any{"buckets": buckets}, err
}

func edge(f *float64) string {
	if f == nil {
		return "*"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func nullable(f float64, ok bool) any {
	if !ok {
		return nil
	}
	return f
}

func (e *aggEval) metric(kind string, body json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field string `json:"field"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if err := e.numericField(kind, v.Field); err != nil {
		return nil, err
	}
	vals := numbers(docs, v.Field)
	n := len(vals)
	sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for _, f := range vals {
		sum, lo, hi = sum+f, min(lo, f), max(hi, f)
	}
	switch kind {
	case "avg":
		return map[string]any{"value": nullable(sum/float64(n), n > 0)}, nil
	case "sum":
		return map[string]any{"value": sum}, nil
	case "min":
		return map[string]any{"value": nullable(lo, n > 0)}, nil
	case "max":
		return map[string]any{"value": nullable(hi, n > 0)}, nil
	case "value_count":
		return map[string]any{"value": float64(n)}, nil
	}
	return map[string]any{"count": n, "sum": sum, "min": nullable(lo, n > 0), "max": nullable(hi, n > 0), "avg": nullable(sum/float64(n), n > 0)}, nil
}

// percentiles are exact here (linear interpolation between ranks); real
// Quickwit estimates them with a sketch.
func (e *aggEval) percentiles(body json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field    string    `json:"field"`
		Percents []float64 `json:"percents"`
		Keyed    *bool     `json:"keyed"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if err := e.numericField("percentiles", v.Field); err != nil {
		return nil, err
	}
	if len(v.Percents) == 0 {
		v.Percents = []float64{1, 5, 25, 50, 75, 95, 99}
	}
	vals := numbers(docs, v.Field)
	slices.Sort(vals)
	out := map[string]any{}
	for _, p := range v.Percents {
		if p < 0 || p > 100 {
			return nil, bad("percent %v is outside 0–100", p)
		}
		out[percentKey(p)] = nullable(rankValue(vals, p), len(vals) > 0)
	}
	return map[string]any{"values": out}, nil
}

// percentKey writes a percent as Elasticsearch keys it: 99 → "99.0".
func percentKey(p float64) string {
	s := strconv.FormatFloat(p, 'f', -1, 64)
	if p == math.Trunc(p) {
		s += ".0"
	}
	return s
}

func rankValue(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	r := p / 100 * float64(len(sorted)-1)
	i := int(math.Floor(r))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (r-float64(i))*(sorted[i+1]-sorted[i])
}

func (e *aggEval) cardinality(body json.RawMessage, docs []*doc) (any, error) {
	var v struct {
		Field string `json:"field"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	if _, ok := e.ix.fieldOf(v.Field); !ok {
		return nil, bad("cardinality: unknown field `%s`", v.Field)
	}
	seen := map[any]bool{}
	for _, d := range docs {
		for _, x := range d.values[v.Field] {
			seen[x] = true
		}
	}
	return map[string]any{"value": float64(len(seen))}, nil
}
