package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// PluginID is the id Grafana sends in every plugin context.
const PluginID = "triage-logs-datasource"

// Datasource is one configured datasource instance, as Grafana would send
// its settings with every call.
type Datasource struct {
	Plugin   *Plugin
	Settings *pluginv2.DataSourceInstanceSettings
}

// Datasource configures an instance with the given jsonData and
// secureJsonData. Each call gets its own uid, so its own instance.
func (p *Plugin) Datasource(t testing.TB, jsonData map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatalf("encode jsonData: %v", err)
	}
	return &Datasource{Plugin: p, Settings: &pluginv2.DataSourceInstanceSettings{
		Id:                      1,
		Uid:                     fmt.Sprintf("triage-%d", time.Now().UnixNano()),
		Name:                    "Triage",
		JsonData:                raw,
		DecryptedSecureJsonData: secure,
		LastUpdatedMS:           time.Now().UnixMilli(),
	}}
}

// RemoteDatasource configures an instance reading a cluster at url
// (Grafana's datasource URL field); jsonData names the backend kind.
func (p *Plugin) RemoteDatasource(t testing.TB, url string, jsonData map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	ds := p.Datasource(t, jsonData, secure)
	ds.Settings.Url = url
	return ds
}

func (ds *Datasource) pluginContext() *pluginv2.PluginContext {
	return &pluginv2.PluginContext{
		OrgId:                      1,
		PluginId:                   PluginID,
		DataSourceInstanceSettings: ds.Settings,
		User:                       &pluginv2.User{Login: "admin", Role: "Admin"},
	}
}

// Health runs CheckHealth and returns the plugin's answer.
func (ds *Datasource) Health(t testing.TB) *pluginv2.CheckHealthResponse {
	t.Helper()
	ctx, cancel := callContext()
	defer cancel()
	res, err := ds.Plugin.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: ds.pluginContext()})
	if err != nil {
		t.Fatalf("CheckHealth: %v", err)
	}
	return res
}

// Query is one query as the frontend sends it: the model JSON plus the
// request-level fields Grafana adds.
type Query struct {
	RefID         string
	JSON          string
	From, To      time.Time
	MaxDataPoints int64
	Interval      time.Duration
}

// Response is one query's decoded answer.
type Response struct {
	Frames data.Frames
	Status int32
	Error  string
}

// Query runs QueryData and decodes every response's Arrow frames.
func (ds *Datasource) Query(t testing.TB, queries ...Query) map[string]Response {
	t.Helper()
	out, err := ds.QueryErr(queries...)
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	return out
}

// QueryErr is Query returning transport errors instead of failing the test.
func (ds *Datasource) QueryErr(queries ...Query) (map[string]Response, error) {
	ctx, cancel := callContext()
	defer cancel()
	return ds.QueryContext(ctx, nil, queries...)
}

// QueryContext is QueryErr under ctx (cancel it as Grafana does when the
// dashboard moves on) and with the request headers Grafana adds, such as
// FromAlert on alert rule evaluations.
func (ds *Datasource) QueryContext(ctx context.Context, headers map[string]string, queries ...Query) (map[string]Response, error) {
	req := &pluginv2.QueryDataRequest{PluginContext: ds.pluginContext(), Headers: headers}
	for i, q := range queries {
		if q.RefID == "" {
			q.RefID = string(rune('A' + i))
		}
		if q.To.IsZero() {
			q.To = time.Now()
		}
		if q.From.IsZero() {
			q.From = q.To.Add(-time.Hour)
		}
		if q.MaxDataPoints == 0 {
			q.MaxDataPoints = 1000
		}
		if q.Interval == 0 {
			q.Interval = time.Second
		}
		req.Queries = append(req.Queries, &pluginv2.DataQuery{
			RefId:         q.RefID,
			Json:          []byte(q.JSON),
			MaxDataPoints: q.MaxDataPoints,
			IntervalMS:    q.Interval.Milliseconds(),
			// Every query carries a time range: Grafana always sends one.
			TimeRange: &pluginv2.TimeRange{FromEpochMS: q.From.UnixMilli(), ToEpochMS: q.To.UnixMilli()},
		})
	}
	res, err := ds.Plugin.Data.QueryData(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Response, len(res.Responses))
	for refID, r := range res.Responses {
		frames, err := data.UnmarshalArrowFrames(r.Frames)
		if err != nil {
			return nil, fmt.Errorf("decode frames of %s: %w", refID, err)
		}
		out[refID] = Response{Frames: frames, Status: r.Status, Error: r.Error}
	}
	return out, nil
}

// ResourceResponse is the collected answer of a resource call.
type ResourceResponse struct {
	Status  int
	Headers http.Header
	Body    []byte
}

// Resource calls the datasource's resource API as Grafana proxies
// /api/datasources/uid/<uid>/resources/<path>.
func (ds *Datasource) Resource(t testing.TB, method, path string, body []byte) ResourceResponse {
	t.Helper()
	res, err := ds.ResourceErr(method, path, nil, body)
	if err != nil {
		t.Fatalf("CallResource %s %s: %v", method, path, err)
	}
	return res
}

// ResourceErr is Resource with request headers, returning transport errors.
func (ds *Datasource) ResourceErr(method, path string, headers http.Header, body []byte) (ResourceResponse, error) {
	// Grafana sends the resource path without the query string, and the
	// whole request URL (with it) separately.
	resourcePath, _, _ := strings.Cut(path, "?")
	req := &pluginv2.CallResourceRequest{
		PluginContext: ds.pluginContext(),
		Path:          resourcePath,
		Method:        method,
		Url:           "/api/datasources/uid/" + ds.Settings.Uid + "/resources/" + path,
		Body:          body,
		Headers:       map[string]*pluginv2.StringList{},
	}
	for k, v := range headers {
		req.Headers[k] = &pluginv2.StringList{Values: v}
	}
	ctx, cancel := callContext()
	defer cancel()
	stream, err := ds.Plugin.Resource.CallResource(ctx, req)
	if err != nil {
		return ResourceResponse{}, err
	}
	out := ResourceResponse{Headers: http.Header{}}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if msg.Code != 0 {
			out.Status = int(msg.Code)
		}
		for k, v := range msg.Headers {
			out.Headers[k] = append(out.Headers[k], v.Values...)
		}
		out.Body = append(out.Body, msg.Body...)
	}
}

// Subscribe asks the plugin to admit a Grafana Live subscription to path.
func (ds *Datasource) Subscribe(t testing.TB, path string, payload []byte) *pluginv2.SubscribeStreamResponse {
	t.Helper()
	ctx, cancel := callContext()
	defer cancel()
	res, err := ds.Plugin.Stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{
		PluginContext: ds.pluginContext(), Path: path, Data: payload,
	})
	if err != nil {
		t.Fatalf("SubscribeStream %s: %v", path, err)
	}
	return res
}
