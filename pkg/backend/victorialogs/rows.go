package victorialogs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// row is one log entry of a /select/logsql/query answer: VictoriaLogs
// returns every value as a string, fields in alphabetical order.
type row struct {
	raw string
	ts  int64
	// fields excludes _time; _msg is still named _msg.
	fields map[string]string
}

// parseRows reads a JSON-lines answer; more than maxRows rows is an error,
// so one answer costs bounded memory.
func parseRows(body []byte, maxRows int) ([]row, error) {
	var out []row
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), len(body)+1)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if len(out) == maxRows {
			return nil, fmt.Errorf("more than %d rows answered", maxRows)
		}
		r, err := parseRow(line)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

func parseRow(line []byte) (row, error) {
	var m map[string]string
	if err := json.Unmarshal(line, &m); err != nil {
		return row{}, fmt.Errorf("read a VictoriaLogs row %.80q: %w", line, err)
	}
	r := row{raw: string(line), fields: m}
	if s, ok := m["_time"]; ok { // stats rows have none
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return row{}, fmt.Errorf("row %.80q has an invalid _time: %w", line, err)
		}
		r.ts = ts.UnixNano()
		delete(m, "_time")
	}
	return r, nil
}

// event converts a row to an engine event: _msg under the message field
// name, VictoriaLogs' stream bookkeeping left out, values typed when their
// text is the canonical form of a number or boolean (so they render as
// ingested), and a Seq that identifies the row.
func (b *Backend) event(r row) engine.Event {
	ev := engine.Event{Timestamp: r.ts, Seq: rowID(r.raw), Fields: make([]engine.Field, 0, len(r.fields))}
	for name, v := range r.fields {
		switch name {
		case "_stream", "_stream_id":
			continue
		case "_msg":
			name = b.s.MessageField
		}
		ev.Fields = append(ev.Fields, engine.Field{Name: name, Value: typedValue(v)})
	}
	sort.Slice(ev.Fields, func(i, j int) bool { return ev.Fields[i].Name < ev.Fields[j].Name })
	return ev
}

// rowID names a row by a hash of its content: VictoriaLogs has no row id,
// and identical rows are interchangeable.
func rowID(raw string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(raw))
	return h.Sum64()
}

var canonicalFloat = regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]+$`)

// typedValue keeps text unless it is exactly how JSON writes an integer,
// a decimal or a boolean; "007" and "1e3" stay text, so nothing changes
// when shown.
func typedValue(s string) engine.Value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(n, 10) == s {
		return engine.Int64Value(n)
	}
	if canonicalFloat.MatchString(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return engine.Float64Value(f)
		}
	}
	switch s {
	case "true":
		return engine.BoolValue(true)
	case "false":
		return engine.BoolValue(false)
	}
	return engine.StringValue(s)
}

var appVersion = regexp.MustCompile(`vm_app_version\{[^}]*short_version="([^"]*)"`)

// versionFromMetrics reads the short version VictoriaLogs exports as a
// metric; builds without release flags leave it empty.
func versionFromMetrics(body []byte) string {
	if m := appVersion.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}
