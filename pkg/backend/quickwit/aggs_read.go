package quickwit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/engine"
)

// reader reads Elasticsearch aggregation answers into engine values.
type reader struct {
	start, end time.Time
}

type bucketJSON map[string]json.RawMessage

func decode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// values reads specs from one level's aggregations; docs is the level's
// event count (a count metric's value, and what terms do not bucket).
func (r reader) values(specs []engine.Agg, aggs map[string]json.RawMessage, docs int64) ([]engine.AggValue, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	out := make([]engine.AggValue, len(specs))
	for i, a := range specs {
		out[i].Name = a.Name
		if a.Metric != nil {
			m, err := metricOf(a, aggs, docs)
			if err != nil {
				return nil, err
			}
			out[i].Metric = m
			continue
		}
		raw, ok := aggs[a.Name]
		if !ok {
			return nil, fmt.Errorf("the answer has no aggregation %q", a.Name)
		}
		var body struct {
			Buckets []bucketJSON `json:"buckets"`
			Other   int64        `json:"sum_other_doc_count"`
		}
		if err := decode(raw, &body); err != nil {
			return nil, fmt.Errorf("aggregation %q: %w", a.Name, err)
		}
		var err error
		switch {
		case a.DateHistogram != nil:
			out[i].Buckets, err = r.dateBuckets(a, body.Buckets)
		case a.Terms != nil:
			out[i], err = r.terms(a, body.Buckets, body.Other, docs)
		case len(a.Histogram.Bounds) > 0:
			out[i].Buckets, err = r.boundBuckets(a, body.Buckets)
		default:
			out[i].Buckets, err = r.histogram(a, body.Buckets)
		}
		if err != nil {
			return nil, fmt.Errorf("aggregation %q: %w", a.Name, err)
		}
	}
	return out, nil
}

// bucket reads a bucket's count and sub-aggregations.
func (r reader) bucket(a engine.Agg, b bucketJSON) (int64, []engine.AggValue, error) {
	var n int64
	if err := decode(b["doc_count"], &n); err != nil {
		return 0, nil, fmt.Errorf("a bucket's doc_count: %w", err)
	}
	subs, err := r.values(a.Subs, b, n)
	return n, subs, err
}

func (r reader) dateBuckets(a engine.Agg, in []bucketJSON) ([]engine.Bucket, error) {
	origin, n := aggresult.DateBuckets(r.start, r.end, a.DateHistogram.Interval)
	iv := int64(a.DateHistogram.Interval)
	out := make([]engine.Bucket, n)
	for i := range out {
		out[i] = aggresult.DateBucket(origin + int64(i)*iv)
		out[i].Aggs = aggresult.Empty(a.Subs)
	}
	for _, b := range in {
		var keyMs float64
		if err := decode(b["key"], &keyMs); err != nil {
			return nil, fmt.Errorf("a date bucket's key: %w", err)
		}
		ns := int64(math.Round(keyMs)) * int64(time.Millisecond)
		i := (ns - origin) / iv
		if ns < origin || i >= int64(n) {
			continue // Quickwit may add buckets around the range
		}
		count, subs, err := r.bucket(a, b)
		if err != nil {
			return nil, err
		}
		if count > 0 {
			out[i].DocCount, out[i].Aggs = count, subs
		}
	}
	return out, nil
}

func (r reader) terms(a engine.Agg, in []bucketJSON, other, docs int64) (engine.AggValue, error) {
	out := engine.AggValue{Name: a.Name, Other: other}
	seen := other
	for _, b := range in {
		var key any
		if err := decode(b["key"], &key); err != nil {
			return out, fmt.Errorf("a terms bucket's key: %w", err)
		}
		bk := aggresult.TermKey(keyText(key))
		var err error
		if bk.DocCount, bk.Aggs, err = r.bucket(a, b); err != nil {
			return out, err
		}
		seen += bk.DocCount
		out.Buckets = append(out.Buckets, bk)
	}
	// Elasticsearch does not count events without the field; they are the rest.
	out.Missing = max(docs-seen, 0)
	aggresult.SortTerms(out.Buckets, a.Terms.OrderByKey)
	var cut int64
	out.Buckets, cut = aggresult.Cut(out.Buckets, aggresult.TermsSize(a.Terms))
	out.Other += cut
	return out, nil
}

func keyText(key any) string {
	switch k := key.(type) {
	case string:
		return k
	case json.Number:
		return k.String()
	case bool:
		return strconv.FormatBool(k)
	}
	raw, _ := json.Marshal(key)
	return string(raw)
}

// boundBuckets reads range buckets, answered in the order they were asked.
func (r reader) boundBuckets(a engine.Agg, in []bucketJSON) ([]engine.Bucket, error) {
	edges := aggresult.BoundEdges(a.Histogram.Bounds)
	if len(in) != len(edges) {
		return nil, fmt.Errorf("%d range buckets answered for %d asked", len(in), len(edges))
	}
	out := make([]engine.Bucket, len(edges))
	for j, b := range in {
		out[j] = aggresult.BoundBucket(edges[j])
		var err error
		if out[j].DocCount, out[j].Aggs, err = r.bucket(a, b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// histogram reads fixed-interval buckets, filled between the first and last.
func (r reader) histogram(a engine.Agg, in []bucketJSON) ([]engine.Bucket, error) {
	iv := a.Histogram.Interval
	got := map[int64]engine.Bucket{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, b := range in {
		var key float64
		if err := decode(b["key"], &key); err != nil {
			return nil, fmt.Errorf("a histogram bucket's key: %w", err)
		}
		bk := engine.Bucket{Key: strconv.FormatFloat(key, 'g', -1, 64), KeyNum: key}
		var err error
		if bk.DocCount, bk.Aggs, err = r.bucket(a, b); err != nil {
			return nil, err
		}
		if bk.DocCount == 0 {
			continue
		}
		k := int64(math.Round(key / iv))
		got[k] = bk
		lo, hi = min(lo, k), max(hi, k)
	}
	var out []engine.Bucket
	for k := lo; lo <= hi && k <= hi; k++ {
		bk, ok := got[k]
		if !ok {
			edge := float64(k) * iv
			bk = engine.Bucket{Key: strconv.FormatFloat(edge, 'g', -1, 64), KeyNum: edge, Aggs: aggresult.Empty(a.Subs)}
		}
		out = append(out, bk)
	}
	return out, nil
}
