package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// maxConcurrentQueries bounds the queries of one request run at once: a
// dashboard's panels run in parallel without one request taking every core.
const maxConcurrentQueries = 4

// queryTimeout bounds one query; a dashboard must not hang on one panel.
const queryTimeout = 60 * time.Second

// queryRequest is one query of a request with everything resolved: the
// model, the macro-expanded query text, the time range and the interval.
type queryRequest struct {
	RefID    string
	Model    query.Query
	Text     string
	From, To time.Time
	Interval time.Duration
	// MaxDataPoints is what the panel can show.
	MaxDataPoints int
}

// queryRunner answers one query type.
type queryRunner func(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse

// runners maps each queryType of the model to the code that answers it.
func (d *Datasource) runners() map[query.QueryType]queryRunner {
	return map[query.QueryType]queryRunner{
		query.QueryLogs:        d.queryLogs,
		query.QueryTimeseries:  d.queryTimeseries,
		query.QueryTable:       d.queryTable,
		query.QueryHeatmap:     d.queryHeatmap,
		query.QueryLogsVolume:  d.queryLogsVolume,
		query.QueryFieldValues: d.queryFieldValues,
		query.QueryAnnotations: d.queryAnnotations,
	}
}

// QueryData answers each query on its own, at most maxConcurrentQueries at
// a time: one query's error never fails the others, and every failure
// carries a status and a readable message.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxConcurrentQueries)
	for _, q := range req.Queries {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			started := time.Now()
			r := d.runQuery(queryContext(ctx, req), q, fromAlert(req))
			d.metrics.ObserveQuery("grafana", started)
			mu.Lock()
			resp.Responses[q.RefID] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return resp, nil
}

func (d *Datasource) runQuery(ctx context.Context, q backend.DataQuery, completeOnly bool) (res backend.DataResponse) {
	defer func() {
		if p := recover(); p != nil {
			d.logger.Error("query panicked", "refId", q.RefID, "panic", p, "stack", string(debug.Stack()))
			res = backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s failed with an internal error: %v", q.RefID, p))
		}
	}()
	be, err := d.backend()
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, err.Error())
	}
	if completeOnly {
		be = refusePartial{be}
	}
	req, err := d.resolveQuery(q)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s: %v", q.RefID, err))
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	res = d.runners()[req.Model.QueryType](ctx, be, req)
	d.logNotices(req.RefID, res)
	return res
}

// queryContext refuses partial answers to alert rules. Grafana's alerting
// reads only a response's error (pkg/services/ngalert/eval/eval.go,
// FindConditionError) and replaces each frame's meta, notices included,
// so a notice saying "damaged splits were left out" would never reach the
// rule: the count would just be wrong. As an error, the rule goes to its
// configured error state ("Alert state if execution error or timeout").
func queryContext(ctx context.Context, req *backend.QueryDataRequest) context.Context {
	if fromAlert(req) {
		return engine.WithoutPartialResults(ctx)
	}
	return ctx
}

// fromAlert says Grafana's alerting sent the request.
func fromAlert(req *backend.QueryDataRequest) bool {
	_, ok := req.Headers[backend.FromAlertHeaderName]
	return ok
}

// logNotices logs the warnings a panel shows (damaged splits left out),
// so they also reach whoever reads Grafana's server log.
func (d *Datasource) logNotices(refID string, res backend.DataResponse) {
	for _, f := range res.Frames {
		if f.Meta == nil {
			continue
		}
		for _, n := range f.Meta.Notices {
			if n.Severity == data.NoticeSeverityWarning {
				d.logger.Warn("query answered with a warning", "refId", refID, "warning", n.Text)
			}
		}
	}
}

// resolveQuery parses the model and resolves what depends on the request:
// macros (alert rules run without a browser), the interval and the range.
func (d *Datasource) resolveQuery(q backend.DataQuery) (queryRequest, error) {
	model, err := query.ParseQueryModel(q.JSON, query.ModelDefaults{DefaultIndex: d.settings.DefaultIndex})
	if err != nil {
		return queryRequest{}, err
	}
	if model.QueryType == "" && q.QueryType != "" {
		model.QueryType = query.QueryType(q.QueryType)
	}
	if _, ok := d.runners()[model.QueryType]; !ok {
		return queryRequest{}, fmt.Errorf("unknown queryType %q", model.QueryType)
	}
	req := queryRequest{
		RefID: q.RefID, Model: model, From: q.TimeRange.From, To: q.TimeRange.To,
		MaxDataPoints: int(q.MaxDataPoints),
	}
	req.Interval = query.ResolveInterval(model, req.MaxDataPoints, req.From, req.To, q.Interval)
	req.Text = query.ExpandMacros(model.Query, query.MacroContext{From: req.From, To: req.To, Interval: req.Interval})
	return req, nil
}

// errorResponse turns an engine error into a per-query answer whose status
// says whose problem it is: the query's (400), a missing index (404), time
// (504) or the store's (500).
func errorResponse(refID string, err error) backend.DataResponse {
	var qerr *engine.QueryError
	var lerr *engine.LimitError
	var perr *engine.PartialResultError
	var rperr *logstore.PartialError
	var rerr *logstore.RemoteError
	switch {
	case errors.As(err, &rperr):
		return backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s: %v; alert rules are not evaluated on partial data", refID, rperr))
	case errors.As(err, &lerr) && lerr.Limit == engine.LimitTimeout:
		return backend.ErrDataResponse(backend.StatusTimeout, fmt.Sprintf("query %s: %v", refID, lerr))
	case errors.As(err, &perr):
		return backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s: %v; alert rules are not evaluated on partial data", refID, perr))
	case errors.As(err, &qerr):
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s: %v", refID, qerr.Err))
	case errors.Is(err, engine.ErrInvalidRequest):
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s: %v", refID, err))
	case errors.Is(err, engine.ErrIndexNotFound):
		return backend.ErrDataResponse(backend.StatusNotFound, fmt.Sprintf("query %s: %v", refID, err))
	case errors.Is(err, context.DeadlineExceeded):
		return backend.ErrDataResponse(backend.StatusTimeout, fmt.Sprintf("query %s took longer than %s; narrow the time range or the query", refID, queryTimeout))
	case errors.Is(err, context.Canceled):
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s was cancelled", refID))
	case errors.As(err, &rerr):
		return backend.ErrDataResponse(remoteStatus(rerr), fmt.Sprintf("query %s: %v", refID, err))
	}
	return backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s: %v", refID, err))
}

// remoteStatus says whose problem a cluster's refusal is: the query's
// (400), the user's access (401/403), overload (429), else the cluster's
// (502: the plugin is a gateway to it).
func remoteStatus(e *logstore.RemoteError) backend.Status {
	switch {
	case e.QueryProblem():
		return backend.StatusBadRequest
	case e.Status == http.StatusUnauthorized:
		return backend.StatusUnauthorized
	case e.Status == http.StatusForbidden:
		return backend.StatusForbidden
	case e.Status == http.StatusNotFound:
		return backend.StatusNotFound
	case e.Status == http.StatusTooManyRequests:
		return backend.StatusTooManyRequests
	}
	return backend.StatusBadGateway
}
