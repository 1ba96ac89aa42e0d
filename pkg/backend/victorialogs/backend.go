// Package victorialogs answers Triage's query model from a VictoriaLogs
// cluster (or single node) over its HTTP query API: queries are printed as
// LogsQL (pkg/backend/logsql), hits come from /select/logsql/query, time
// series and heatmaps from /select/logsql/stats_query_range, logs volume
// from /select/logsql/hits, editor lists from field_names and field_values,
// and live tail from /select/logsql/tail.
package victorialogs

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/logsql"
	"github.com/triage-logs/triage/pkg/backend/transport"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// Backend is a VictoriaLogs store seen through its query API.
type Backend struct {
	c      *transport.Client
	s      backend.VictoriaLogsSettings
	header http.Header
}

var _ backend.Backend = (*Backend)(nil)

// New connects to the VictoriaLogs (vlselect) at s.URL; s must be validated.
func New(s backend.Settings) (*Backend, error) {
	c, err := transport.New(backend.KindVictoriaLogs, s)
	if err != nil {
		return nil, err
	}
	b := &Backend{c: c, s: s.VictoriaLogs, header: http.Header{}}
	if s.VictoriaLogs.AccountID != "" {
		b.header.Set("AccountID", s.VictoriaLogs.AccountID)
	}
	if s.VictoriaLogs.ProjectID != "" {
		b.header.Set("ProjectID", s.VictoriaLogs.ProjectID)
	}
	return b, nil
}

// Name returns backend.KindVictoriaLogs.
func (b *Backend) Name() string { return backend.KindVictoriaLogs }

// filter prints query text and the time range [start, end) as one LogsQL
// filter. The exact range is always part of the query: VictoriaLogs widens
// its start and end arguments to whole steps when a step is given.
func (b *Backend) filter(text string, start, end, now time.Time) (string, error) {
	n, err := query.Parse(text)
	if err != nil {
		return "", &engine.QueryError{Query: text, Err: err}
	}
	printed, err := logsql.Print(n, logsql.Options{
		TimestampField: b.s.TimestampField, MessageField: b.s.MessageField,
		TextFields: b.s.TextFields, Now: now,
	})
	if err != nil {
		return "", &engine.QueryError{Query: text, Err: err}
	}
	if tr := logsql.TimeRange(start, end); tr != "" {
		if printed == "*" {
			return tr, nil
		}
		return tr + " AND (" + printed + ")", nil
	}
	return printed, nil
}

// get sends a form-encoded POST (long queries do not fit URLs) and
// refuses partial answers: a vlselect missing a storage node answers 502.
func (b *Backend) get(ctx context.Context, path string, args url.Values) (*transport.Response, error) {
	args.Set("allow_partial_response", "0")
	return b.c.Do(ctx, transport.Request{
		Method: http.MethodPost, Path: path, Body: []byte(args.Encode()),
		ContentType: "application/x-www-form-urlencoded", Header: b.header,
	})
}

// Index describes any index by the configured field names: VictoriaLogs
// keeps one store per tenant, without indexes or a mapping.
func (b *Backend) Index(_ context.Context, index string) (backend.IndexInfo, error) {
	return backend.IndexInfo{
		ID: index, TimestampField: b.s.TimestampField, MessageField: b.s.MessageField,
		LevelField: b.s.LevelField, DefaultSearchFields: []string{b.s.MessageField},
	}, nil
}

// Indexes lists the one store of the tenant, as the default index.
func (b *Backend) Indexes(ctx context.Context) ([]backend.IndexInfo, error) {
	info, err := b.Index(ctx, "logs")
	return []backend.IndexInfo{info}, err
}

// Health checks /health and reads the version from /metrics.
func (b *Backend) Health(ctx context.Context) backend.Health {
	started := time.Now()
	h := backend.Health{Backend: backend.KindVictoriaLogs, URL: b.c.URL()}
	if _, err := b.c.Do(ctx, transport.Request{Path: "/health"}); err != nil {
		h.Message = fmt.Sprintf("VictoriaLogs at %s is not reachable: %v", b.c.URL(), err)
		h.Latency = time.Since(started)
		return h
	}
	h.Reachable = true
	if res, err := b.c.Do(ctx, transport.Request{Path: "/metrics"}); err == nil {
		h.Version = versionFromMetrics(res.Body)
	}
	// A query proves vlselect reaches every storage node.
	args := url.Values{"query": {"_time:5m | stats count() as n"}}
	if _, err := b.get(ctx, "/select/logsql/query", args); err != nil {
		h.Reachable = false
		h.Message = fmt.Sprintf("VictoriaLogs at %s answers but cannot query: %v", b.c.URL(), err)
	} else {
		version := h.Version
		if version == "" {
			version = "of unknown version"
		}
		h.Message = fmt.Sprintf("VictoriaLogs %s at %s answers queries", version, b.c.URL())
	}
	h.Latency = time.Since(started)
	return h
}
