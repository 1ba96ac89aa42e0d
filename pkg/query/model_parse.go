package query

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// queryKeys are the keys the model accepts: ours, then the ones Grafana adds
// to every query.
var queryKeys = []string{
	"version", "queryType", "index", "query", "limit", "sort", "metrics", "groupBy",
	"interval", "heatmap", "field", "live", "after",
	"refId", "datasource", "hide", "key", "intervalMs", "maxDataPoints", "datasourceId",
	// The logs panel marks its infinite-scroll queries with supportingQueryType.
	"supportingQueryType",
}

// ParseQueryModel decodes and validates one query's JSON and applies the
// defaults: version 1, queryType logs, index defaults.DefaultIndex, limit
// 100, sort desc, interval auto, metrics [count] for timeseries and table,
// groupBy size 10 ordered by count desc, heatmap log scale with 20 buckets.
// Unknown keys and wrong types are errors that name the key and say what it
// must hold ("queryType must be one of logs, timeseries, …; got 'log'").
func ParseQueryModel(raw []byte, defaults ModelDefaults) (Query, error) {
	o, err := readObject("", raw)
	if err != nil {
		return Query{}, err
	}
	if err := o.checkKeys(queryKeys); err != nil {
		return Query{}, err
	}
	q := Query{Version: ModelVersion, QueryType: QueryLogs, Limit: DefaultLimit, Sort: SortDesc}
	if err := q.readScalars(o, defaults); err != nil {
		return Query{}, err
	}
	if err := q.readAggregations(o); err != nil {
		return Query{}, err
	}
	if err := q.validate(); err != nil {
		return Query{}, err
	}
	return q, nil
}

func (q *Query) readScalars(o *object, defaults ModelDefaults) error {
	if v, ok, err := o.integer("version"); err != nil {
		return err
	} else if ok {
		if v > ModelVersion {
			return fmt.Errorf("version %d is newer than this plugin understands (%d); upgrade the plugin", v, ModelVersion)
		}
		if v < 1 {
			return fmt.Errorf("version must be %d; got %d", ModelVersion, v)
		}
	}
	types := make([]string, len(queryTypes))
	for i, t := range queryTypes {
		types[i] = string(t)
	}
	if s, ok, err := o.str("queryType"); err != nil {
		return err
	} else if ok && s != "" {
		v, _, err := o.oneOf("queryType", types, nil)
		if err != nil {
			return err
		}
		q.QueryType = QueryType(v)
	}
	var err error
	if q.RefID, _, err = o.str("refId"); err != nil {
		return err
	}
	if q.Index, _, err = o.str("index"); err != nil {
		return err
	}
	if q.Index == "" {
		q.Index = defaults.DefaultIndex
	}
	if q.Query, _, err = o.str("query"); err != nil {
		return err
	}
	if q.Field, _, err = o.str("field"); err != nil {
		return err
	}
	if q.Live, _, err = o.boolean("live"); err != nil {
		return err
	}
	if q.After, _, err = o.str("after"); err != nil {
		return err
	}
	if v, ok, err := o.integer("limit"); err != nil {
		return err
	} else if ok {
		if v < 1 || v > MaxLimit {
			return fmt.Errorf("limit must be between 1 and %d; got %d", MaxLimit, v)
		}
		q.Limit = int(v)
	}
	if v, ok, err := o.oneOf("sort", []string{"desc", "asc"}, map[string]string{"newest": "desc", "oldest": "asc"}); err != nil {
		return err
	} else if ok {
		q.Sort = SortOrder(v)
	}
	if q.Interval, _, err = o.str("interval"); err != nil {
		return err
	}
	if q.IntervalMs, _, err = o.integer("intervalMs"); err != nil {
		return err
	}
	if q.MaxDataPoints, _, err = o.integer("maxDataPoints"); err != nil {
		return err
	}
	return nil
}

func (q *Query) readAggregations(o *object) error {
	items, _, err := o.array("metrics")
	if err != nil {
		return err
	}
	for i, item := range items {
		m, err := readMetric("metrics["+strconv.Itoa(i)+"]", item)
		if err != nil {
			return err
		}
		q.Metrics = append(q.Metrics, m)
	}
	if items, _, err = o.array("groupBy"); err != nil {
		return err
	}
	for i, item := range items {
		g, err := readGroupBy("groupBy["+strconv.Itoa(i)+"]", item)
		if err != nil {
			return err
		}
		q.GroupBy = append(q.GroupBy, g)
	}
	if r, ok := o.raw("heatmap"); ok {
		h, err := readHeatmap("heatmap", r)
		if err != nil {
			return err
		}
		q.Heatmap = &h
	}
	return nil
}

var metricTypes = []string{"count", "avg", "sum", "min", "max", "percentile", "p50", "p90", "p95", "p99", "cardinality"}

func readMetric(path string, raw json.RawMessage) (Metric, error) {
	o, err := readObject(path, raw)
	if err != nil {
		return Metric{}, err
	}
	if err := o.checkKeys([]string{"type", "field", "percent", "id"}); err != nil {
		return Metric{}, err
	}
	var m Metric
	t, ok, err := o.oneOf("type", metricTypes, nil)
	if err != nil {
		return Metric{}, err
	}
	if !ok {
		return Metric{}, fmt.Errorf("%s.type is required: one of %s", path, strings.Join(metricTypes, ", "))
	}
	if m.Field, _, err = o.str("field"); err != nil {
		return Metric{}, err
	}
	if m.ID, _, err = o.str("id"); err != nil {
		return Metric{}, err
	}
	percent, hasPercent, err := o.number("percent")
	if err != nil {
		return Metric{}, err
	}
	m.Type = MetricType(t)
	switch t {
	case "p50", "p90", "p95", "p99":
		p, _ := strconv.ParseFloat(t[1:], 64)
		if hasPercent && percent != p {
			return Metric{}, fmt.Errorf("%s: type %s means percent %g, but percent is %g; use type percentile for another percentile", path, t, p, percent)
		}
		m.Type, m.Percent = MetricPercentile, p
	case "percentile":
		if !hasPercent || percent <= 0 || percent >= 100 {
			return Metric{}, fmt.Errorf("%s.percent must be greater than 0 and less than 100; got %s", path, shownOr(o, "percent"))
		}
		m.Percent = percent
	default:
		if hasPercent {
			return Metric{}, fmt.Errorf("%s.percent only applies to type percentile; got type %s", path, t)
		}
	}
	if m.Type != MetricCount && m.Field == "" {
		return Metric{}, fmt.Errorf("%s.field is required for type %s", path, t)
	}
	return m, nil
}

func readGroupBy(path string, raw json.RawMessage) (GroupBy, error) {
	o, err := readObject(path, raw)
	if err != nil {
		return GroupBy{}, err
	}
	if err := o.checkKeys([]string{"field", "size", "order", "orderBy", "id"}); err != nil {
		return GroupBy{}, err
	}
	g := GroupBy{Size: DefaultGroupBySize, Order: "desc", OrderBy: "count"}
	if g.Field, _, err = o.str("field"); err != nil {
		return GroupBy{}, err
	}
	if g.Field == "" {
		return GroupBy{}, fmt.Errorf("%s.field is required", path)
	}
	if v, ok, err := o.integer("size"); err != nil {
		return GroupBy{}, err
	} else if ok {
		if v < 1 || v > MaxGroupBySize {
			return GroupBy{}, fmt.Errorf("%s.size must be between 1 and %d; got %d", path, MaxGroupBySize, v)
		}
		g.Size = int(v)
	}
	if v, ok, err := o.oneOf("order", []string{"desc", "asc"}, nil); err != nil {
		return GroupBy{}, err
	} else if ok {
		g.Order = v
	}
	if v, ok, err := o.oneOf("orderBy", []string{"count", "key"}, nil); err != nil {
		return GroupBy{}, err
	} else if ok {
		g.OrderBy = v
	}
	return g, nil
}

func readHeatmap(path string, raw json.RawMessage) (Heatmap, error) {
	o, err := readObject(path, raw)
	if err != nil {
		return Heatmap{}, err
	}
	if err := o.checkKeys([]string{"field", "buckets", "count", "scale"}); err != nil {
		return Heatmap{}, err
	}
	var h Heatmap
	if h.Field, _, err = o.str("field"); err != nil {
		return Heatmap{}, err
	}
	if h.Field == "" {
		return Heatmap{}, fmt.Errorf("%s.field is required", path)
	}
	items, hasBuckets, err := o.array("buckets")
	if err != nil {
		return Heatmap{}, err
	}
	count, hasCount, err := o.integer("count")
	if err != nil {
		return Heatmap{}, err
	}
	scale, hasScale, err := o.oneOf("scale", []string{ScaleLog, ScaleLinear}, nil)
	if err != nil {
		return Heatmap{}, err
	}
	if hasBuckets {
		if hasCount || hasScale {
			return Heatmap{}, fmt.Errorf("%s: give either buckets or count and scale, not both", path)
		}
		if len(items) == 0 {
			return Heatmap{}, fmt.Errorf("%s.buckets must hold at least one bound", path)
		}
		for i, item := range items {
			var f float64
			if err := json.Unmarshal(item, &f); err != nil {
				return Heatmap{}, fmt.Errorf("%s.buckets[%d] must be a number; got %s", path, i, shown(item))
			}
			if i > 0 && f <= h.Buckets[i-1] {
				return Heatmap{}, fmt.Errorf("%s.buckets must increase; %g follows %g", path, f, h.Buckets[i-1])
			}
			h.Buckets = append(h.Buckets, f)
		}
		return h, nil
	}
	h.Count, h.Scale = DefaultHeatmapCount, ScaleLog
	if hasCount {
		if count < 1 || count > MaxHeatmapCount {
			return Heatmap{}, fmt.Errorf("%s.count must be between 1 and %d; got %d", path, MaxHeatmapCount, count)
		}
		h.Count = int(count)
	}
	if hasScale {
		h.Scale = scale
	}
	return h, nil
}

func shownOr(o *object, key string) string {
	if r, ok := o.raw(key); ok {
		return shown(r)
	}
	return "nothing"
}

// validate checks what depends on several keys and fills type-specific defaults.
func (q *Query) validate() error {
	if q.Index == "" {
		return fmt.Errorf("index is empty and the datasource has no default index; set index or the datasource's defaultIndex")
	}
	if q.Interval == "" {
		q.Interval = IntervalAuto
	}
	if q.Interval != IntervalAuto && q.Interval != IntervalGrafana {
		d, err := ParseInterval(q.Interval)
		if err != nil {
			return fmt.Errorf("interval must be auto, $__interval or a duration like 30s, 5m or 1h; got '%s'", q.Interval)
		}
		if d < time.Millisecond {
			return fmt.Errorf("interval must be at least 1ms; got '%s'", q.Interval)
		}
	}
	switch q.QueryType {
	case QueryTimeseries, QueryTable:
		if len(q.Metrics) == 0 {
			q.Metrics = []Metric{{Type: MetricCount}}
		}
	case QueryHeatmap:
		if q.Heatmap == nil {
			return fmt.Errorf("a heatmap query needs heatmap.field, as in {\"heatmap\":{\"field\":\"latency_ms\"}}")
		}
	case QueryFieldValues:
		if q.Field == "" {
			return fmt.Errorf("a fieldValues query needs field: the field whose values to list")
		}
	}
	return nil
}
