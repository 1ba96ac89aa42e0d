package plugin

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// queryFieldValues answers a dashboard variable's query: the field's most
// frequent values among matching events in the range, as text/value.
func (d *Datasource) queryFieldValues(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	if req.Model.Field == "" {
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s: a fieldValues query needs field, e.g. {\"field\":\"service\"}", req.RefID))
	}
	values, err := be.FieldValues(ctx, engine.FieldValuesRequest{
		Index: req.Model.Index, Field: req.Model.Field, Query: req.Text,
		Start: req.From, End: req.To, Limit: req.Model.Limit,
	})
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	texts := make([]string, len(values))
	counts := make([]int64, len(values))
	for i, v := range values {
		texts[i] = v.Value
		counts[i] = v.Count
	}
	frame := data.NewFrame(req.RefID,
		data.NewField("text", nil, texts),
		data.NewField("value", nil, append([]string(nil), texts...)),
		data.NewField("count", nil, counts),
	)
	frame.Meta = &data.FrameMeta{PreferredVisualization: data.VisTypeTable}
	return backend.DataResponse{Frames: data.Frames{frame}}
}
