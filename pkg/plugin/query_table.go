package plugin

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// queryTable answers with one table: a column per groupBy field, then a
// column per metric, one row per group (the whole range without groups).
// In the data plane contract that is numeric-long (rows of numbers with
// string dimensions) when grouped and numeric-wide (one row of numbers)
// when not; Grafana's alerting reads both with grafana/dataplane/sdata. A
// grouped table without rows is the contract's no-data frame: no fields.
func (d *Datasource) queryTable(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	metrics := req.metrics()
	res, err := req.aggregate(ctx, be, groupTerms(req.Model.GroupBy, metricAggs(metrics)))
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	var rows []groupRow
	if len(req.Model.GroupBy) == 0 {
		rows = []groupRow{{bucket: &engine.Bucket{DocCount: res.DocCount, Aggs: res.Aggs}}}
	} else {
		rows = flattenGroups(req.Model.GroupBy, res.Aggs)
	}
	frame := data.NewFrame(req.RefID)
	for _, g := range req.Model.GroupBy {
		col := make([]string, len(rows))
		for i, r := range rows {
			col[i] = r.labels[g.Field]
		}
		frame.Fields = append(frame.Fields, data.NewField(g.Field, nil, col))
	}
	for mi, m := range metrics {
		col := make([]*float64, len(rows))
		for i := range rows {
			col[i] = metricValue(rows[i].bucket, mi, m)
		}
		frame.Fields = append(frame.Fields, data.NewField(metricName(m), nil, col))
	}
	frameType := data.FrameTypeNumericWide
	if len(req.Model.GroupBy) > 0 {
		frameType = data.FrameTypeNumericLong
	}
	if len(rows) == 0 {
		frame.Fields = nil
	}
	frame.Meta = &data.FrameMeta{
		Type:                   frameType,
		TypeVersion:            data.FrameTypeVersion{0, 1},
		PreferredVisualization: data.VisTypeTable,
		Notices:                warningNotices(res.Warnings),
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}
