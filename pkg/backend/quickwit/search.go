package quickwit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// maxHits is the most hits Quickwit returns for one search.
const maxHits = 10_000

// Search returns one page sorted on (timestamp, _shard_doc): the sort
// values of the page's last hit are the cursor, passed back as
// search_after, so paging neither skips nor repeats hits that share a
// timestamp (Quickwit keeps timestamps at second precision by default, so
// many do).
func (b *Backend) Search(ctx context.Context, req backend.SearchRequest) (backend.SearchResult, error) {
	limit, err := backend.PageLimit(req.Limit)
	if err != nil {
		return backend.SearchResult{}, err
	}
	m, err := b.mapping(ctx, req.Index)
	if err != nil {
		return backend.SearchResult{}, err
	}
	if m.info.TimestampField == "" {
		return backend.SearchResult{}, fmt.Errorf("quickwit: index %q has no timestamp field; logs are listed by time, so set doc_mapping.timestamp_field", req.Index)
	}
	q, err := b.esQuery(ctx, m, req.Query, req.Start, req.End, req.Now)
	if err != nil {
		return backend.SearchResult{}, err
	}
	order := "desc"
	if req.Order == engine.Asc {
		order = "asc"
	}
	body := map[string]any{
		// One hit more tells whether a next page exists, within max_hits.
		"size":  min(limit+1, maxHits),
		"query": q,
		"sort": []any{
			map[string]any{m.info.TimestampField: map[string]any{"order": order, "format": "epoch_nanos_int"}},
			map[string]any{"_shard_doc": order},
		},
		"track_total_hits": req.CountTotal,
	}
	if req.Cursor != "" {
		after, err := parseCursor(req.Cursor)
		if err != nil {
			return backend.SearchResult{}, &engine.QueryError{Query: req.Query, Err: err}
		}
		body["search_after"] = after
	}
	res, err := b.search(ctx, req.Index, body)
	if err != nil {
		return backend.SearchResult{}, err
	}
	out := backend.SearchResult{SearchResult: engine.SearchResult{Total: res.Hits.Total.Value, Warnings: res.warnings()}}
	hits := res.Hits.Hits
	if len(hits) > limit || (len(hits) == limit && limit == maxHits) {
		hits = hits[:limit]
		if out.Cursor, err = cursorOf(hits[limit-1].Sort); err != nil {
			return backend.SearchResult{}, err
		}
	}
	out.Hits = make([]engine.Hit, len(hits))
	for i, h := range hits {
		ev, err := event(h, m.info.TimestampField)
		if err != nil {
			return backend.SearchResult{}, err
		}
		out.Hits[i] = engine.Hit{Index: req.Index, Event: ev}
	}
	return out, nil
}

// cursorOf encodes a hit's sort values as an opaque cursor.
func cursorOf(sortValues []any) (string, error) {
	if len(sortValues) != 2 {
		return "", fmt.Errorf("quickwit: a hit has %d sort values, want the timestamp and _shard_doc", len(sortValues))
	}
	raw, err := json.Marshal(sortValues)
	if err != nil {
		return "", fmt.Errorf("quickwit: encode the cursor: %w", err)
	}
	return "qw1:" + base64.RawURLEncoding.EncodeToString(raw), nil
}

func parseCursor(s string) ([]any, error) {
	enc, ok := strings.CutPrefix(s, "qw1:")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	var after []any
	if ok && err == nil {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		err = dec.Decode(&after)
	}
	if !ok || err != nil || len(after) != 2 {
		return nil, fmt.Errorf("cursor %q is not a Quickwit page cursor; pass the cursor of the previous page unchanged", s)
	}
	return after, nil
}

// event turns a hit's source document into an engine event: nested
// objects flattened to dotted names, numbers, booleans and strings typed as
// in JSON, arrays kept as their JSON text. The timestamp comes from the
// source (full precision), else from the sort value (fast-field precision).
func event(h esHit, tsField string) (engine.Event, error) {
	var src map[string]any
	dec := json.NewDecoder(strings.NewReader(string(h.Source)))
	dec.UseNumber()
	if err := dec.Decode(&src); err != nil {
		return engine.Event{}, fmt.Errorf("quickwit: read a hit's _source: %w", err)
	}
	ev := engine.Event{Seq: hitID(h)}
	flatten("", src, &ev.Fields)
	sort.Slice(ev.Fields, func(i, j int) bool { return ev.Fields[i].Name < ev.Fields[j].Name })
	for i, f := range ev.Fields {
		if f.Name != tsField {
			continue
		}
		if ns, ok := timestampOf(f.Value); ok {
			ev.Timestamp = ns
			ev.Fields = append(ev.Fields[:i], ev.Fields[i+1:]...)
		}
		break
	}
	if ev.Timestamp == 0 && len(h.Sort) > 0 {
		if n, ok := h.Sort[0].(json.Number); ok {
			ev.Timestamp, _ = n.Int64()
		}
	}
	return ev, nil
}

func flatten(prefix string, obj map[string]any, out *[]engine.Field) {
	for k, v := range obj {
		name := prefix + k
		switch x := v.(type) {
		case map[string]any:
			flatten(name+".", x, out)
		case string:
			*out = append(*out, engine.Field{Name: name, Value: engine.StringValue(x)})
		case bool:
			*out = append(*out, engine.Field{Name: name, Value: engine.BoolValue(x)})
		case json.Number:
			*out = append(*out, engine.Field{Name: name, Value: numberValue(x)})
		case nil:
		default:
			raw, _ := json.Marshal(x)
			*out = append(*out, engine.Field{Name: name, Value: engine.StringValue(string(raw))})
		}
	}
}

func numberValue(n json.Number) engine.Value {
	if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
		return engine.Int64Value(i)
	}
	if u, err := strconv.ParseUint(n.String(), 10, 64); err == nil {
		return engine.Uint64Value(u)
	}
	f, _ := n.Float64()
	return engine.Float64Value(f)
}

// timestampOf reads a source timestamp: RFC 3339, or Unix seconds,
// milliseconds, microseconds or nanoseconds told apart by magnitude as
// Quickwit's unix_timestamp format does.
func timestampOf(v engine.Value) (int64, bool) {
	switch v.Kind {
	case engine.KindString:
		t, err := time.Parse(time.RFC3339Nano, v.Str)
		return t.UnixNano(), err == nil
	case engine.KindInt64, engine.KindFloat64, engine.KindUint64:
		f, _ := v.AsFloat()
		switch a := math.Abs(f); {
		case a < 1e11:
			return int64(f * 1e9), true
		case a < 1e14:
			return int64(f * 1e6), true
		case a < 1e17:
			return int64(f * 1e3), true
		}
		return int64(f), true
	}
	return 0, false
}

// hitID names a hit by its content: Quickwit's doc addresses change when
// splits merge, the document does not.
func hitID(h esHit) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(h.Index))
	_, _ = f.Write(h.Source)
	return f.Sum64()
}
