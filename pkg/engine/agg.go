package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine/budget"
)

// DefaultMaxBuckets bounds the buckets of one aggregation request; beyond it
// the request fails with a message saying how many it would make, rather
// than answering with a silently truncated series.
const DefaultMaxBuckets = 65_536

// AggRequest asks for aggregations over the events of one index matching a
// query in [Start, End).
type AggRequest struct {
	Index string
	Query string
	// Start and End bound event timestamps, [Start, End); date histograms
	// need both and fill empty buckets over the whole range.
	Start, End time.Time
	Aggs       []Agg
	// SearchFields, when set, replaces the index's default search fields
	// for the query's terms without a field (see SearchRequest).
	SearchFields []string
	// MaxBuckets overrides DefaultMaxBuckets when positive.
	MaxBuckets int
	// Now anchors date math in the query; zero means time.Now().
	Now time.Time
}

// Agg is one aggregation: exactly one of its kinds is set. Bucket kinds
// (DateHistogram, Terms, Histogram) run Subs inside each bucket.
type Agg struct {
	// Name identifies the aggregation in the result.
	Name          string
	DateHistogram *DateHistogramAgg
	Terms         *TermsAgg
	Histogram     *HistogramAgg
	Metric        *MetricAgg
	Subs          []Agg
}

// DateHistogramAgg buckets events by time at a fixed interval, aligned to
// the Unix epoch as Elasticsearch's fixed_interval is.
type DateHistogramAgg struct {
	Interval time.Duration
}

// TermsAgg buckets events by the distinct values of Field.
type TermsAgg struct {
	Field string
	// Size is the number of buckets returned (default 10); the rest are
	// summed in AggValue.Other.
	Size int
	// OrderByKey sorts buckets by key ascending instead of by count descending.
	OrderByKey bool
}

// HistogramAgg buckets numeric values of Field, either at a fixed Interval
// or, for heatmaps, by explicit ascending Bounds: bucket i holds values in
// (Bounds[i-1], Bounds[i]] and a last bucket holds those above every bound.
type HistogramAgg struct {
	Field    string
	Interval float64
	Bounds   []float64
}

// MetricKind names a metric aggregation.
type MetricKind string

// Metric kinds, named as in Elasticsearch.
const (
	MetricCount       MetricKind = "count"
	MetricAvg         MetricKind = "avg"
	MetricSum         MetricKind = "sum"
	MetricMin         MetricKind = "min"
	MetricMax         MetricKind = "max"
	MetricStats       MetricKind = "stats"
	MetricPercentiles MetricKind = "percentiles"
	MetricCardinality MetricKind = "cardinality"
)

// MetricAgg computes one metric of Field's values (Count without a field
// counts documents).
type MetricAgg struct {
	Kind  MetricKind
	Field string
	// Percents are the percentiles wanted, 0–100 (default 50, 95, 99).
	Percents []float64
}

// AggResult is the answer to an AggRequest.
type AggResult struct {
	// DocCount is the number of matching events in the range.
	DocCount int64
	// Aggs holds one value per requested Agg, in request order.
	Aggs []AggValue
	// SkippedSplits and Warnings report damaged splits left out.
	SkippedSplits []string
	Warnings      []string
}

// AggValue is one aggregation's result: buckets or a metric.
type AggValue struct {
	Name    string
	Buckets []Bucket
	// Other sums the doc counts of terms beyond Size; Missing counts
	// matching events without the terms field.
	Other   int64
	Missing int64
	Metric  *MetricValue
}

// Bucket is one bucket of a bucket aggregation, with its sub-aggregations.
type Bucket struct {
	// Key is the bucket's key as text (a term; a histogram's lower edge or,
	// with Bounds, upper bound; a date histogram's RFC 3339 start).
	Key string
	// KeyNum is the numeric key: the start in Unix ms for date histograms,
	// the edge for histograms, the number for numeric terms.
	KeyNum   float64
	DocCount int64
	Aggs     []AggValue
}

// MetricValue holds a metric; which members are set depends on the kind.
type MetricValue struct {
	Count int64
	Sum   float64
	// Min, Max and Avg are NaN when no value was seen.
	Min, Max, Avg float64
	Percentiles   []Percentile
	Cardinality   uint64
}

// Percentile is one percentile: the exact nearest-rank sample while its
// bucket holds up to 10,000 values, within 1% (DDSketch) beyond; see
// agg_percentiles.go for the rank rule.
type Percentile struct {
	Percent float64
	// Value is NaN when no value was seen.
	Value float64
}

// Aggregate computes req.Aggs over the matching events. Only the columns
// the aggregations name (and the timestamps, for date histograms) are read,
// only for blocks the filter keeps.
func (e *Engine) Aggregate(ctx context.Context, req AggRequest) (AggResult, error) {
	maxBuckets := req.MaxBuckets
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxBuckets
	}
	ctx, cancel, meter := e.startQuery(ctx)
	defer cancel()
	p, err := e.planQuery(req.Index, req.Query, req.SearchFields, req.Start, req.End, req.Now, false)
	if err != nil {
		return AggResult{}, err
	}
	defer p.release()
	p.budget = meter
	env := &aggEnv{slots: map[string]int{}, start: p.start, end: p.end, maxBuckets: maxBuckets, tsField: p.schema.TimestampField(),
		canonical: p.schema.m.canonicalField, budget: meter}
	if err := env.check(req.Aggs, 1); err != nil {
		return AggResult{}, budget.InvalidRequest(err)
	}
	if _, ok := env.slots[env.tsField]; ok {
		env.needTS = true
	}
	root, err := env.runPasses(ctx, p, req.Aggs)
	if err != nil {
		return AggResult{}, fmt.Errorf("aggregate index %q: %w", req.Index, err)
	}
	if env.err != nil {
		return AggResult{}, env.err
	}
	res := AggResult{DocCount: root.docs, SkippedSplits: p.skipped, Warnings: p.warnings}
	res.Aggs = results(req.Aggs, root.colls)
	if env.err != nil {
		return AggResult{}, env.err
	}
	if err := e.checkPartial(ctx, p); err != nil {
		return AggResult{}, err
	}
	return res, nil
}

func tooManyBuckets(n, limit int) error {
	return budget.InvalidRequest(fmt.Errorf("the query would make %d buckets, more than the limit of %d; widen the interval, lower the terms size or narrow the time range", n, limit))
}

func results(specs []Agg, colls []collector) []AggValue {
	out := make([]AggValue, len(specs))
	for i, c := range colls {
		out[i] = c.result()
		out[i].Name = specs[i].Name
	}
	return out
}
