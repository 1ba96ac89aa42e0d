package agg

import "time"

// DefaultMaxBuckets bounds the buckets of one aggregation request; beyond it
// the request fails with a message saying how many it would make, rather
// than answering with a silently truncated series.
const DefaultMaxBuckets = 65_536

// Spec is one aggregation: exactly one of its kinds is set. Bucket kinds
// (DateHistogram, Terms, Histogram) run Subs inside each bucket.
type Spec struct {
	// Name identifies the aggregation in the result.
	Name          string
	DateHistogram *DateHistogramAgg
	Terms         *TermsAgg
	Histogram     *HistogramAgg
	Metric        *MetricAgg
	Subs          []Spec
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
	// summed in Value.Other.
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

// Value is one aggregation's result: buckets or a metric.
type Value struct {
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
	Aggs     []Value
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
// percentiles.go for the rank rule.
type Percentile struct {
	Percent float64
	// Value is NaN when no value was seen.
	Value float64
}
