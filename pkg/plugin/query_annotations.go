package plugin

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// annotationTagFields become an annotation's tags when an event has them.
var annotationTagFields = []string{"service", "env", "environment", "version", "host"}

// queryAnnotations turns matching events (deploys, config changes) into
// annotations: time, timeEnd (from a duration_ms field when present),
// title (the level and service), text (the log line) and tags.
func (d *Datasource) queryAnnotations(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	names, err := d.logFields(ctx, be, req.Model.Index)
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	res, err := be.Search(ctx, logstore.SearchRequest{SearchRequest: engine.SearchRequest{
		Index: req.Model.Index, Query: req.Text, Start: req.From, End: req.To, Limit: req.Model.Limit,
	}})
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	n := len(res.Hits)
	times, ends := make([]time.Time, n), make([]time.Time, n)
	titles, texts, tags := make([]string, n), make([]string, n), make([]string, n)
	for i, h := range res.Hits {
		ev := &h.Event
		times[i] = time.Unix(0, ev.Timestamp).UTC()
		ends[i] = times[i]
		if v, ok := ev.Get("duration_ms"); ok {
			if ms, ok := v.AsFloat(); ok && ms > 0 {
				ends[i] = times[i].Add(time.Duration(ms * float64(time.Millisecond)))
			}
		}
		if v, ok := ev.Get(names.Message); ok {
			texts[i] = v.Text()
		} else {
			texts[i] = keyValueLine(ev)
		}
		var t []string
		for _, f := range annotationTagFields {
			if v, ok := ev.Get(f); ok {
				t = append(t, f+":"+v.Text())
			}
		}
		sort.Strings(t)
		tags[i] = strings.Join(t, ",")
		title := []string{}
		if v, ok := ev.Get(names.Level); ok {
			title = append(title, normalizeLevel(v.Text()))
		}
		if v, ok := ev.Get("service"); ok {
			title = append(title, v.Text())
		}
		titles[i] = strings.Join(title, " ")
	}
	frame := data.NewFrame(req.RefID,
		data.NewField("time", nil, times), data.NewField("timeEnd", nil, ends),
		data.NewField("title", nil, titles), data.NewField("text", nil, texts), data.NewField("tags", nil, tags),
	)
	return backend.DataResponse{Frames: data.Frames{frame}}
}
