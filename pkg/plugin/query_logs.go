package plugin

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// contextWindow is the span of "logs around this line" links.
const contextWindow = 5 * time.Minute

// queryLogs answers a logs query with one log-lines frame in the engine's
// stable (timestamp, seq) order, so Explore's paging neither skips nor
// repeats rows.
func (d *Datasource) queryLogs(ctx context.Context, eng *engine.Engine, req queryRequest) backend.DataResponse {
	order := engine.Desc
	if req.Model.Sort == query.SortAsc {
		order = engine.Asc
	}
	res, err := eng.Search(ctx, engine.SearchRequest{
		Index: req.Model.Index, Query: req.Text, Start: req.From, End: req.To,
		Limit: req.Model.Limit, Order: order,
	})
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	fields, err := d.logFields(eng, req.Model.Index)
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	frame := d.logsFrame(req.RefID, req.Model.Index, fields, res.Hits)
	custom := map[string]any{"limit": req.Model.Limit, "searchWords": searchWords(req.Text)}
	if res.Next != nil {
		custom["cursor"] = res.Next.String()
	}
	frame.Meta.Custom = custom
	frame.Meta.ExecutedQueryString = req.Text
	frame.Meta.Notices = warningNotices(res.Warnings)
	if req.Model.Live {
		frame.Meta.Channel = d.liveChannel(req)
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

// logFieldNames says which fields of an index are the log line and level.
type logFieldNames struct {
	Message, Level string
}

// logFields takes the datasource's settings, else the index's log settings.
func (d *Datasource) logFields(eng *engine.Engine, index string) (logFieldNames, error) {
	cfg, _, err := eng.DescribeIndex(index)
	if err != nil {
		return logFieldNames{}, err
	}
	out := logFieldNames{Message: cfg.LogSettings.MessageField, Level: cfg.LogSettings.LevelField}
	if d.settings.MessageField != "" {
		out.Message = d.settings.MessageField
	}
	if d.settings.LevelField != "" {
		out.Level = d.settings.LevelField
	}
	return out, nil
}

// logsFrame builds the log-lines frame of Grafana's data plane contract:
// timestamp, body, severity, id, labels, then a field per configured data
// link and the bounds of each row's "logs around it" window.
func (d *Datasource) logsFrame(name, index string, names logFieldNames, hits []engine.Hit) *data.Frame {
	n := len(hits)
	ts := make([]time.Time, n)
	bodies := make([]string, n)
	levels := make([]string, n)
	ids := make([]string, n)
	labels := make([]json.RawMessage, n)
	ctxFrom := make([]string, n)
	ctxTo := make([]string, n)
	linkValues := make([][]string, len(d.settings.DataLinks))
	for i := range linkValues {
		linkValues[i] = make([]string, n)
	}
	for i, h := range hits {
		ev := &h.Event
		ts[i] = time.Unix(0, ev.Timestamp).UTC()
		ids[i] = h.Index + ":" + strconv.FormatUint(ev.Seq, 10)
		levels[i] = levelUnknown
		if v, ok := ev.Get(names.Level); ok {
			levels[i] = normalizeLevel(v.Text())
		}
		if v, ok := ev.Get(names.Message); ok {
			bodies[i] = v.Text()
		} else {
			bodies[i] = keyValueLine(ev)
		}
		labels[i] = labelsJSON(ev, names.Message)
		ctxFrom[i] = strconv.FormatInt(ts[i].Add(-contextWindow).UnixMilli(), 10)
		ctxTo[i] = strconv.FormatInt(ts[i].Add(contextWindow).UnixMilli(), 10)
		for j, link := range d.settings.DataLinks {
			if v, ok := ev.Get(link.Field); ok {
				linkValues[j][i] = v.Text()
			}
		}
	}
	idField := data.NewField("id", nil, ids)
	idField.Config = &data.FieldConfig{Links: []data.DataLink{d.contextLink(index)}}
	frame := data.NewFrame(name,
		data.NewField("timestamp", nil, ts),
		data.NewField("body", nil, bodies),
		data.NewField("severity", nil, levels),
		idField,
		data.NewField("labels", nil, labels),
	)
	for j, link := range d.settings.DataLinks {
		f := data.NewField(link.Field, nil, linkValues[j])
		f.Config = &data.FieldConfig{Links: []data.DataLink{link.toDataLink()}}
		frame.Fields = append(frame.Fields, f)
	}
	frame.Fields = append(frame.Fields, data.NewField("context_from_ms", nil, ctxFrom), data.NewField("context_to_ms", nil, ctxTo))
	frame.Meta = &data.FrameMeta{
		Type:                   data.FrameTypeLogLines,
		TypeVersion:            data.FrameTypeVersion{0, 0},
		PreferredVisualization: data.VisTypeLogs,
	}
	return frame
}

// keyValueLine renders an event without a message field as `k=v` pairs
// sorted by key, quoting values with spaces, as logfmt does.
func keyValueLine(ev *engine.Event) string {
	keys := make([]int, len(ev.Fields))
	for i := range keys {
		keys[i] = i
	}
	sort.Slice(keys, func(a, b int) bool { return ev.Fields[keys[a]].Name < ev.Fields[keys[b]].Name })
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		f := ev.Fields[k]
		b.WriteString(f.Name)
		b.WriteByte('=')
		v := f.Value.Text()
		if strings.ContainsAny(v, " \"=") || v == "" {
			v = strconv.Quote(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// labelsJSON holds every field but the message as a JSON object, typed as
// ingested, for log details and "common labels".
func labelsJSON(ev *engine.Event, messageField string) json.RawMessage {
	m := make(map[string]any, len(ev.Fields))
	for _, f := range ev.Fields {
		if f.Name == messageField {
			continue
		}
		m[f.Name] = f.Value.JSON()
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage("{}")
	}
	return raw
}

// searchWords lists the words of a query Grafana highlights in log lines.
func searchWords(text string) []string {
	node, err := query.Parse(text)
	if err != nil {
		return nil
	}
	var words []string
	var walk func(query.Node, bool)
	walk = func(n query.Node, negated bool) {
		switch n := n.(type) {
		case query.And:
			for _, c := range n.Clauses {
				walk(c, negated)
			}
		case query.Or:
			for _, c := range n.Clauses {
				walk(c, negated)
			}
		case query.Not:
			walk(n.Clause, !negated)
		case query.Term:
			if !negated {
				words = append(words, n.Value)
			}
		case query.Phrase:
			if !negated {
				words = append(words, n.Text)
			}
		case query.Prefix:
			if !negated {
				words = append(words, n.Value)
			}
		case query.Set:
			if !negated {
				words = append(words, n.Values...)
			}
		}
	}
	walk(node, false)
	return words
}

// warningNotices shows partial answers (damaged splits left out) in the panel.
func warningNotices(warnings []string) []data.Notice {
	var out []data.Notice
	for _, w := range warnings {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: w})
	}
	return out
}
