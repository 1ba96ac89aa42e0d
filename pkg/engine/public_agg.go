package engine

import "github.com/triage-logs/triage/pkg/engine/agg"

// DefaultMaxBuckets bounds the buckets of one aggregation request.
const DefaultMaxBuckets = agg.DefaultMaxBuckets

// The aggregation specs an AggRequest holds (see package agg).
type (
	Agg              = agg.Spec
	DateHistogramAgg = agg.DateHistogramAgg
	TermsAgg         = agg.TermsAgg
	HistogramAgg     = agg.HistogramAgg
	MetricAgg        = agg.MetricAgg
	MetricKind       = agg.MetricKind
)

// Metric kinds, named as in Elasticsearch.
const (
	MetricCount       = agg.MetricCount
	MetricAvg         = agg.MetricAvg
	MetricSum         = agg.MetricSum
	MetricMin         = agg.MetricMin
	MetricMax         = agg.MetricMax
	MetricStats       = agg.MetricStats
	MetricPercentiles = agg.MetricPercentiles
	MetricCardinality = agg.MetricCardinality
)

// The results an AggResult holds (see package agg).
type (
	AggValue    = agg.Value
	Bucket      = agg.Bucket
	MetricValue = agg.MetricValue
	Percentile  = agg.Percentile
)
