package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// contextWindow is the span of "logs around this line" links.
const contextWindow = 5 * time.Minute

// The hidden per-row bounds of a "logs around this line" link.
const (
	contextFromField = "context_from_ms"
	contextToField   = "context_to_ms"
)

// queryLogs answers a logs query with one log-lines frame in the engine's
// stable (timestamp, seq) order, so Explore's paging neither skips nor
// repeats rows. A live query's frame is oldest-first, the order Grafana's
// streaming buffer appends and trims in, and names the tail's channel.
func (d *Datasource) queryLogs(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	res, err := searchLogPage(ctx, be, req)
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	fields, err := d.logFields(ctx, be, req.Model.Index)
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	hits := res.Hits
	if req.Model.Live {
		hits = oldestFirst(hits)
	}
	frame := d.logsFrame(req.RefID, req.Model.Index, fields, hits)
	custom := logsCustom(req.Model.Limit, req.Text)
	if res.Next != "" {
		custom["cursor"] = res.Next
	}
	frame.Meta.Custom = custom
	frame.Meta.ExecutedQueryString = req.Text
	frame.Meta.Notices = warningNotices(res.Warnings)
	if req.Model.Live {
		channel, err := d.openTail(be, req, hits)
		if err != nil {
			return backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query %s: live tail: %v", req.RefID, err))
		}
		frame.Meta.Channel = channel
		custom["dropped"] = int64(0) // as every packet says
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

// logsCustom is meta.custom of every logs frame, first frame and live
// packets alike: Grafana's logs view reads the line limit and the words to
// highlight from it, and a streaming buffer keeps only the latest packet's.
func logsCustom(limit int, text string) map[string]any {
	return map[string]any{"limit": limit, "searchWords": searchWords(text)}
}

// oldestFirst returns hits in ascending (timestamp, seq) order.
func oldestFirst(hits []engine.Hit) []engine.Hit {
	out := slices.Clone(hits)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Event.Before(&out[j].Event) })
	return out
}

// newestFirst returns hits in descending (timestamp, seq) order.
func newestFirst(hits []engine.Hit) []engine.Hit {
	out := slices.Clone(hits)
	sort.SliceStable(out, func(i, j int) bool { return out[j].Event.Before(&out[i].Event) })
	return out
}

// The log line and level fields of Triage's default mapping
// (pkg/engine/mapping_default.go), assumed when a store does not say.
const (
	defaultMessageField = "message"
	defaultLevelField   = "severity"
)

// logFieldNames says which fields of an index are the log line and level.
type logFieldNames struct {
	Message, Level string
}

// logFields takes the datasource's settings, else the index's log settings
// as the store describes them.
func (d *Datasource) logFields(ctx context.Context, be logstore.Backend, index string) (logFieldNames, error) {
	info, err := be.Index(ctx, index)
	if err != nil {
		return logFieldNames{}, err
	}
	out := logFieldNames{Message: info.MessageField, Level: info.LevelField}
	// A Quickwit mapping names no log line or level: take its one default
	// search field as the line, and the names Triage's own mapping uses.
	if out.Message == "" && len(info.DefaultSearchFields) == 1 {
		out.Message = info.DefaultSearchFields[0]
	}
	if out.Message == "" {
		out.Message = defaultMessageField
	}
	if out.Level == "" {
		out.Level = defaultLevelField
	}
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
// link and the bounds of each row's "logs around it" window. The bounds are
// hidden (config.custom.hidden): Grafana's log details leave such fields
// out (public/app/features/logs/components/logParser.ts) while the context
// link still reads them. A data-link field is not repeated in labels.
func (d *Datasource) logsFrame(refID, index string, names logFieldNames, hits []engine.Hit) *data.Frame {
	n := len(hits)
	ts := make([]time.Time, n)
	bodies := make([]string, n)
	levels := make([]string, n)
	ids := make([]string, n)
	labels := make([]json.RawMessage, n)
	ctxFrom := make([]string, n)
	ctxTo := make([]string, n)
	linkValues := make([][]string, len(d.settings.DataLinks))
	linkFields := make(map[string]bool, len(d.settings.DataLinks))
	for i := range linkValues {
		linkValues[i] = make([]string, n)
		linkFields[d.settings.DataLinks[i].Field] = true
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
		labels[i] = labelsJSON(ev, names.Message, linkFields)
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
	frame := data.NewFrame(refID,
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
	hidden := &data.FieldConfig{Custom: map[string]any{"hidden": true}}
	from, to := data.NewField(contextFromField, nil, ctxFrom), data.NewField(contextToField, nil, ctxTo)
	from.Config, to.Config = hidden, hidden
	frame.Fields = append(frame.Fields, from, to)
	frame.RefID = refID
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

// labelsJSON holds every field but the message and the data-link fields
// (shown on their own, with their link) as a JSON object, typed as
// ingested, for log details and "common labels".
func labelsJSON(ev *engine.Event, messageField string, linkFields map[string]bool) json.RawMessage {
	m := make(map[string]any, len(ev.Fields))
	for _, f := range ev.Fields {
		if f.Name == messageField || linkFields[f.Name] {
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
