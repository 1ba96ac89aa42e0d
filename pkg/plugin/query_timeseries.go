package plugin

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// queryTimeseries answers with one frame per group and metric (Grafana's
// timeseries-multi): time plus one value field labelled with the group's
// values. Count buckets without events are 0, other metrics null. Alert
// rules reduce these frames directly.
func (d *Datasource) queryTimeseries(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	metrics := req.metrics()
	histogram := engine.Agg{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: req.Interval}, Subs: metricAggs(metrics)}
	res, err := req.aggregate(ctx, be, groupTerms(req.Model.GroupBy, []engine.Agg{histogram}))
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	var series []seriesSource
	if len(req.Model.GroupBy) == 0 {
		series = append(series, seriesSource{labels: nil, values: res.Aggs})
	} else {
		for _, row := range flattenGroups(req.Model.GroupBy, res.Aggs) {
			series = append(series, seriesSource{labels: row.labels, values: row.bucket.Aggs})
		}
	}
	var frames data.Frames
	for _, s := range series {
		buckets := histogramBuckets(s.values, "t")
		for mi, m := range metrics {
			frames = append(frames, timeseriesFrame(req, buckets, mi, m, s.labels))
		}
	}
	if allEmpty(frames) {
		frames = data.Frames{noDataTimeseriesFrame(req.RefID)}
	}
	for _, f := range frames {
		f.Meta.Notices = warningNotices(res.Warnings)
	}
	return backend.DataResponse{Frames: frames}
}

// seriesSource is one group's aggregation values.
type seriesSource struct {
	labels map[string]string
	values []engine.AggValue
}

func histogramBuckets(values []engine.AggValue, name string) []engine.Bucket {
	for _, v := range values {
		if v.Name == name {
			return v.Buckets
		}
	}
	return nil
}

func timeseriesFrame(req queryRequest, buckets []engine.Bucket, mi int, m query.Metric, labels map[string]string) *data.Frame {
	times := make([]time.Time, len(buckets))
	values := make([]*float64, len(buckets))
	for i := range buckets {
		times[i] = time.UnixMilli(int64(buckets[i].KeyNum)).UTC()
		values[i] = metricValue(&buckets[i], mi, m)
	}
	timeField := data.NewField("time", nil, times)
	timeField.Config = &data.FieldConfig{Interval: float64(req.Interval.Milliseconds())}
	valueField := data.NewField(metricName(m), data.Labels(labels), values)
	frame := data.NewFrame(req.RefID, timeField, valueField)
	frame.Meta = &data.FrameMeta{
		Type:        data.FrameTypeTimeSeriesMulti,
		TypeVersion: data.FrameTypeVersion{0, 1},
		Custom:      map[string]any{"intervalMs": req.Interval.Milliseconds()},
	}
	return frame
}

// noDataTimeseriesFrame is the data plane's "no data" answer: one
// timeseries-multi frame without fields. Grafana's alerting reads it with
// grafana/dataplane/sdata as NoData, where a time and a value field with
// zero rows would read as one series without points.
func noDataTimeseriesFrame(refID string) *data.Frame {
	frame := data.NewFrame(refID)
	frame.RefID = refID
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}

// allEmpty says no frame holds a value: no rows, or only nulls (a metric
// other than count over a range without events). A count of zero is a value.
func allEmpty(frames data.Frames) bool {
	for _, f := range frames {
		for _, fld := range f.Fields {
			if !fld.Type().Numeric() {
				continue
			}
			for i := 0; i < fld.Len(); i++ {
				if _, ok := fld.ConcreteAt(i); ok {
					return false
				}
			}
		}
	}
	return true
}
