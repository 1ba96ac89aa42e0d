package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// searchAfter is where a search_after page starts: after timestamp ns
// and, when the hit's tie-breaker came back (the _doc sort value Triage
// returns as "ns:seq:index"), after that exact hit.
type searchAfter struct {
	set   bool
	ns    int64
	exact bool
	seq   uint64
	index string
	// slack is how much of the timestamp a millisecond sort value hides
	// (999,999 ns), so "after" skips the whole millisecond.
	slack int64
}

func parseSearchAfter(req *esSearchRequest, indexes []esIndex) (searchAfter, error) {
	var sa searchAfter
	for i, raw := range req.searchAfter {
		k := req.sort[i]
		switch {
		case k.field == "_doc" || k.field == "_shard_doc":
			var s string
			if json.Unmarshal(raw, &s) != nil {
				continue // a number from another store: only the timestamp applies
			}
			ns, seq, index, ok := parseTiebreak(s)
			if !ok {
				return sa, illegalArgument("search_after value %q for %s is not a sort value Triage returned", s, k.field)
			}
			sa = searchAfter{set: true, ns: ns, exact: true, seq: seq, index: index}
		case isTimestampField(k.field, indexes):
			if sa.exact {
				continue
			}
			ns, slack, err := sortValueNanos(raw, k.format)
			if err != nil {
				return sa, err
			}
			sa = searchAfter{set: true, ns: ns, slack: slack}
		}
	}
	return sa, nil
}

// sortValueNanos reads a timestamp sort value back: epoch milliseconds by
// default, nanoseconds with format epoch_nanos_int, or an RFC 3339 string.
func sortValueNanos(raw json.RawMessage, format string) (int64, int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return query.UnixNanos(t), 0, nil
		}
		raw = []byte(s)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, 0, illegalArgument("search_after timestamp %s must be epoch milliseconds (or what the hit's sort returned)", preview(raw))
	}
	if format == "epoch_nanos_int" {
		return n, 0, nil
	}
	return query.UnixNanos(query.UnixUnits(float64(n), time.Millisecond)), 999_999, nil
}

func parseTiebreak(s string) (int64, uint64, string, bool) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return 0, 0, "", false
	}
	ns, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseUint(parts[1], 10, 64)
	return ns, seq, parts[2], err1 == nil && err2 == nil && parts[2] != ""
}

// cursorFor is the engine cursor that continues after sa in index: hits
// are ordered by (timestamp, index, seq) across indexes, so for the same
// timestamp an index sorting before sa's index has nothing left, one
// after it everything.
func (sa searchAfter) cursorFor(index string, order engine.Order) *engine.Cursor {
	if !sa.set {
		return nil
	}
	const none, all = uint64(0), uint64(math.MaxUint64)
	desc := order == engine.Desc
	if !sa.exact {
		if desc {
			return &engine.Cursor{Timestamp: sa.ns, Seq: none}
		}
		ts := int64(math.MaxInt64) // ns may be clamped to the end: saturate
		if sa.ns <= math.MaxInt64-sa.slack {
			ts = sa.ns + sa.slack
		}
		return &engine.Cursor{Timestamp: ts, Seq: all}
	}
	c := &engine.Cursor{Timestamp: sa.ns, Seq: sa.seq}
	// At sa's timestamp, in the order of the hits (index names descending
	// for a descending sort), an index coming after sa's index has all its
	// hits left, one coming before has none.
	restAll, restNone := none, all
	if desc {
		restAll, restNone = all, none
	}
	switch cmpIndex := strings.Compare(index, sa.index); {
	case cmpIndex == 0:
	case (cmpIndex < 0) == desc:
		c.Seq = restAll
	default:
		c.Seq = restNone
	}
	return c
}

// renderHit is one hit in Elasticsearch's shape.
func renderHit(h hitRow, req *esSearchRequest) map[string]any {
	hit := map[string]any{"_index": h.index, "_id": hitID(h), "_score": nil}
	if !req.source.off {
		hit["_source"] = sourceOf(h, req.source.includes)
	}
	if len(req.sort) > 0 {
		values := make([]any, len(req.sort))
		for i, k := range req.sort {
			switch k.field {
			case "_score":
			case "_doc", "_shard_doc":
				values[i] = fmt.Sprintf("%d:%d:%s", h.ev.Timestamp, h.ev.Seq, h.index)
			default:
				values[i] = timestampSortValue(h.ev.Timestamp, k.format)
			}
		}
		hit["sort"] = values
	}
	if len(req.fields) > 0 {
		fields := map[string]any{}
		for _, fr := range req.fields {
			if globMatch(fr.field, h.ts) {
				fields[h.ts] = []any{formatDate(h.ev.Timestamp, fr.format)}
			}
			for _, f := range h.ev.Fields {
				if !globMatch(fr.field, f.Name) {
					continue
				}
				if f.Value.Kind == engine.KindTime {
					fields[f.Name] = []any{formatDate(f.Value.Int(), fr.format)}
				} else {
					fields[f.Name] = []any{f.Value.JSON()}
				}
			}
		}
		hit["fields"] = fields
	}
	return hit
}

// hitID is the hit's _id: the id the client gave it, else Triage's
// per-index sequence number.
func hitID(h hitRow) string {
	if v, ok := h.ev.Get(engine.IDField); ok && v.Kind == engine.KindString {
		return v.Str
	}
	return strconv.FormatUint(h.ev.Seq, 10)
}

func timestampSortValue(ns int64, format string) any {
	switch format {
	case "epoch_nanos_int":
		return ns
	case "", "epoch_millis":
		return floorDiv(ns, 1e6)
	}
	return formatDate(ns, format)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// formatDate renders a datetime as a date format of Elasticsearch's
// "format" asks: epoch_millis / epoch_second as numbers in text, anything
// else as RFC 3339 (nanoseconds kept).
func formatDate(ns int64, format string) any {
	switch format {
	case "epoch_millis":
		return strconv.FormatInt(floorDiv(ns, 1e6), 10)
	case "epoch_second":
		return strconv.FormatInt(floorDiv(ns, 1e9), 10)
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// sourceOf rebuilds the document, keeping the fields includes name (with
// '*' wildcards; an object name keeps what is under it).
func sourceOf(h hitRow, includes []string) map[string]any {
	ev, tsField := &h.ev, h.ts
	if len(includes) == 0 {
		return document(ev, tsField, h.outputs, engine.IDField)
	}
	keep := func(name string) bool {
		for _, inc := range includes {
			if globMatch(inc, name) || strings.HasPrefix(name, inc+".") {
				return true
			}
		}
		return false
	}
	kept := engine.Event{Timestamp: ev.Timestamp, Seq: ev.Seq}
	for _, f := range ev.Fields {
		if keep(f.Name) {
			kept.Fields = append(kept.Fields, f)
		}
	}
	doc := document(&kept, tsField, h.outputs, engine.IDField)
	if !keep(tsField) {
		delete(doc, tsField)
	}
	return doc
}
