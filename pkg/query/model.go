package query

// ModelVersion is the query model version this package writes and reads;
// a newer one is refused so an old plugin never misreads a newer dashboard.
const ModelVersion = 1

// QueryType says what a query returns; the plugin dispatches on it.
type QueryType string

// The query types, with the key values dashboards store.
const (
	QueryLogs        QueryType = "logs"
	QueryTimeseries  QueryType = "timeseries"
	QueryHeatmap     QueryType = "heatmap"
	QueryTable       QueryType = "table"
	QueryFieldValues QueryType = "fieldValues"
	QueryLogsVolume  QueryType = "logsVolume"
	QueryAnnotations QueryType = "annotations"
)

var queryTypes = []QueryType{QueryLogs, QueryTimeseries, QueryHeatmap, QueryTable, QueryFieldValues, QueryLogsVolume, QueryAnnotations}

// SortOrder orders log results by time.
type SortOrder string

// Sort orders; "newest" and "oldest" are accepted as aliases on input.
const (
	SortDesc SortOrder = "desc"
	SortAsc  SortOrder = "asc"
)

// MetricType names an aggregation; percentile shorthands (p50, p90, p95,
// p99) are normalised to MetricPercentile with Percent set.
type MetricType string

// The metric types the model accepts after normalisation.
const (
	MetricCount       MetricType = "count"
	MetricAvg         MetricType = "avg"
	MetricSum         MetricType = "sum"
	MetricMin         MetricType = "min"
	MetricMax         MetricType = "max"
	MetricPercentile  MetricType = "percentile"
	MetricCardinality MetricType = "cardinality"
)

// Interval values besides a fixed duration.
const (
	// IntervalAuto derives the bucket width from the time range and maxDataPoints.
	IntervalAuto = "auto"
	// IntervalGrafana uses the interval Grafana computed for the request.
	IntervalGrafana = "$__interval"
)

// Heatmap scales for computed buckets.
const (
	ScaleLog    = "log"
	ScaleLinear = "linear"
)

// Model limits and defaults, exported so the editor's validation and the
// documentation quote the same numbers.
const (
	DefaultLimit        = 100
	MaxLimit            = 10000
	DefaultGroupBySize  = 10
	MaxGroupBySize      = 1000
	DefaultHeatmapCount = 20
	MaxHeatmapCount     = 1000
)

// Query is the JSON query model a panel, Explore, an alert rule or the HTTP
// API sends, after ParseQueryModel applied defaults and validated it.
type Query struct {
	Version   int       `json:"version"`
	RefID     string    `json:"refId,omitempty"`
	QueryType QueryType `json:"queryType"`
	Index     string    `json:"index"`
	Query     string    `json:"query"`
	Limit     int       `json:"limit"`
	Sort      SortOrder `json:"sort"`
	Metrics   []Metric  `json:"metrics,omitempty"`
	GroupBy   []GroupBy `json:"groupBy,omitempty"`
	// Interval is "auto", "$__interval" or a duration such as "30s".
	Interval string   `json:"interval,omitempty"`
	Heatmap  *Heatmap `json:"heatmap,omitempty"`
	// Field is the field whose values a fieldValues query lists.
	Field string `json:"field,omitempty"`
	Live  bool   `json:"live,omitempty"`
	// After continues a logs query strictly beyond a row, "<unix ns>:<seq>"
	// as in a row's position (log context asks for the rows next to one).
	After string `json:"after,omitempty"`
	// IntervalMs and MaxDataPoints are Grafana's own keys, kept when present.
	IntervalMs    int64 `json:"intervalMs,omitempty"`
	MaxDataPoints int64 `json:"maxDataPoints,omitempty"`
}

// Metric is one aggregation of a timeseries or table query.
type Metric struct {
	Type MetricType `json:"type"`
	// Field is required for every type but count.
	Field string `json:"field,omitempty"`
	// Percent is the percentile, 0 < Percent < 100, for MetricPercentile.
	Percent float64 `json:"percent,omitempty"`
	// ID is the editor's key for the row, passed through.
	ID string `json:"id,omitempty"`
}

// GroupBy splits aggregations by the top Size values of Field.
type GroupBy struct {
	Field string `json:"field"`
	Size  int    `json:"size"`
	// Order is "desc" (largest groups first) or "asc".
	Order string `json:"order"`
	// OrderBy is "count" (documents per group) or "key" (the value).
	OrderBy string `json:"orderBy"`
}

// Heatmap says how a heatmap query buckets Field's values: explicit Buckets
// bounds, or Count buckets on a Scale between the observed min and max.
type Heatmap struct {
	Field   string    `json:"field"`
	Buckets []float64 `json:"buckets,omitempty"`
	Count   int       `json:"count,omitempty"`
	Scale   string    `json:"scale,omitempty"`
}

// ModelDefaults are the datasource settings the model falls back to.
type ModelDefaults struct {
	DefaultIndex string
}
