package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// queryRunner answers one query of a given queryType.
type queryRunner func(ctx context.Context, pctx backend.PluginContext, q backend.DataQuery) backend.DataResponse

// queryEnvelope is the part of every query read before dispatch.
type queryEnvelope struct {
	QueryType string `json:"queryType"`
}

// QueryData answers each query on its own: one query's error never fails
// the others, and every failure carries a status and a readable message.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = d.runQuery(ctx, req.PluginContext, q)
	}
	return resp, nil
}

func (d *Datasource) runQuery(ctx context.Context, pctx backend.PluginContext, q backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		if p := recover(); p != nil {
			d.logger.Error("query panicked", "refId", q.RefID, "panic", p, "stack", string(debug.Stack()))
			res = backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s failed with an internal error: %v", q.RefID, p))
		}
	}()
	if _, err := d.engine(); err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, err.Error())
	}
	var env queryEnvelope
	if err := json.Unmarshal(q.JSON, &env); err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s is not valid JSON: %v", q.RefID, err))
	}
	queryType := env.QueryType
	if queryType == "" {
		queryType = q.QueryType
	}
	runner, ok := d.runners()[queryType]
	if !ok {
		return backend.ErrDataResponse(backend.StatusBadRequest, unknownQueryTypeMessage(queryType, d.runners()))
	}
	return runner(ctx, pctx, q)
}

// runners maps each queryType to the code that answers it.
func (d *Datasource) runners() map[string]queryRunner {
	return map[string]queryRunner{}
}

func unknownQueryTypeMessage(got string, runners map[string]queryRunner) string {
	known := make([]string, 0, len(runners))
	for name := range runners {
		known = append(known, name)
	}
	sort.Strings(known)
	if got == "" {
		return "the query has no queryType; use one of: " + strings.Join(known, ", ")
	}
	return fmt.Sprintf("unknown queryType %q; use one of: %s", got, strings.Join(known, ", "))
}
