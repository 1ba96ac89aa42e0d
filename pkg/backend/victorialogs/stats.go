package victorialogs

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxStatsRows bounds the groups × points one stats answer may hold.
const maxStatsRows = 500_000

// groupKey is one "by" item of a stats pipe: a field, the time at a step
// (a date histogram) or a field's numeric buckets of a width.
type groupKey struct {
	field string
	step  time.Duration
	width float64
}

func (g groupKey) isTime() bool { return g.step > 0 }

// label is the name VictoriaLogs gives the key in an answer's labels.
func (g groupKey) label() string { return g.field }

func (g groupKey) by() string {
	f := strconv.Quote(g.field)
	if g.width > 0 {
		return f + ":" + strconv.FormatFloat(g.width, 'f', -1, 64)
	}
	return f
}

// statFunc is one stats function with its result name.
type statFunc struct {
	name, expr string
}

// statsRow is one group (and time point) of a stats answer.
type statsRow struct {
	keys map[string]string
	ts   int64 // bucket start, Unix ns, when grouped by time
	vals map[string]string
}

// groupID identifies a row's group among keys (time included when asked).
func (r *statsRow) groupID(keys []groupKey) string {
	var b strings.Builder
	for _, k := range keys {
		if k.isTime() {
			b.WriteString(strconv.FormatInt(r.ts, 10))
		} else {
			b.WriteString(r.keys[k.label()])
		}
		b.WriteByte(0)
	}
	return b.String()
}

// stats runs `filter | stats by (keys) funcs`: on stats_query_range when a
// key is the time (VictoriaLogs adds _time:step itself), else stats_query.
func (b *Backend) stats(ctx context.Context, filter string, start, end time.Time, keys []groupKey, funcs []statFunc) ([]statsRow, error) {
	var by []string
	var step time.Duration
	for _, k := range keys {
		if k.isTime() {
			step = k.step
			continue
		}
		by = append(by, k.by())
	}
	var fs []string
	for _, f := range funcs {
		fs = append(fs, f.expr+" as "+strconv.Quote(f.name))
	}
	q := filter + " | stats "
	if len(by) > 0 {
		q += "by (" + strings.Join(by, ", ") + ") "
	}
	q += strings.Join(fs, ", ")
	args := url.Values{"query": {q}}
	path := "/select/logsql/stats_query"
	if step > 0 {
		path = "/select/logsql/stats_query_range"
		args.Set("start", formatArg(start))
		args.Set("end", formatArg(end))
		args.Set("step", duration(step))
	} else if !end.IsZero() {
		args.Set("time", formatArg(end))
	}
	res, err := b.get(ctx, path, args)
	if err != nil {
		return nil, err
	}
	rows, err := parsePrometheus(res.Body, step > 0)
	if err != nil {
		return nil, fmt.Errorf("victorialogs: %s: %w", path, err)
	}
	return rows, nil
}

// parsePrometheus reads a stats answer (Prometheus vector or matrix) into
// one row per group and time point, every function's value in it.
func parsePrometheus(body []byte, matrix bool) ([]statsRow, error) {
	var ans struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string   `json:"metric"`
				Value  []json.RawMessage   `json:"value"`
				Values [][]json.RawMessage `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("read the stats answer: %w", err)
	}
	byID := map[string]*statsRow{}
	var order []string
	n := 0
	for _, s := range ans.Data.Result {
		name := s.Metric["__name__"]
		labels := make(map[string]string, len(s.Metric))
		var lb strings.Builder
		for k, v := range s.Metric {
			if k != "__name__" {
				labels[k] = v
			}
		}
		for _, k := range sortedKeys(labels) {
			lb.WriteString(k + "=" + labels[k] + "\x00")
		}
		points := s.Values
		if !matrix {
			points = [][]json.RawMessage{s.Value}
		}
		for _, p := range points {
			if len(p) != 2 {
				return nil, fmt.Errorf("a point of %q has %d parts, want 2", name, len(p))
			}
			var secs float64
			var val string
			if err := json.Unmarshal(p[0], &secs); err != nil {
				return nil, fmt.Errorf("a timestamp of %q: %w", name, err)
			}
			if err := json.Unmarshal(p[1], &val); err != nil {
				return nil, fmt.Errorf("a value of %q: %w", name, err)
			}
			ts := int64(math.Round(secs*1e3)) * int64(time.Millisecond)
			id := lb.String()
			if matrix {
				id += strconv.FormatInt(ts, 10)
			}
			r := byID[id]
			if r == nil {
				if n++; n > maxStatsRows {
					return nil, fmt.Errorf("more than %d groups and points; widen the interval or group by fewer values", maxStatsRows)
				}
				r = &statsRow{keys: labels, ts: ts, vals: map[string]string{}}
				byID[id] = r
				order = append(order, id)
			}
			r.vals[name] = val
		}
	}
	out := make([]statsRow, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out, nil
}

// hits counts events per step and per values of fields on
// /select/logsql/hits: the logs volume and count-only series.
func (b *Backend) hits(ctx context.Context, filter string, start, end time.Time, step time.Duration, fields []string) ([]statsRow, error) {
	args := url.Values{"query": {filter}, "start": {formatArg(start)}, "end": {formatArg(end)}, "step": {duration(step)}}
	for _, f := range fields {
		args.Add("field", f)
	}
	res, err := b.get(ctx, "/select/logsql/hits", args)
	if err != nil {
		return nil, err
	}
	var ans struct {
		Hits []struct {
			Fields     map[string]string `json:"fields"`
			Timestamps []string          `json:"timestamps"`
			Values     []int64           `json:"values"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(res.Body, &ans); err != nil {
		return nil, fmt.Errorf("victorialogs: /select/logsql/hits: read the answer: %w", err)
	}
	var out []statsRow
	for _, h := range ans.Hits {
		if len(h.Timestamps) != len(h.Values) {
			return nil, fmt.Errorf("victorialogs: /select/logsql/hits: %d timestamps for %d values", len(h.Timestamps), len(h.Values))
		}
		for i, ts := range h.Timestamps {
			t, err := time.Parse(time.RFC3339Nano, ts)
			if err != nil {
				return nil, fmt.Errorf("victorialogs: /select/logsql/hits: timestamp %q: %w", ts, err)
			}
			if len(out) == maxStatsRows {
				return nil, fmt.Errorf("victorialogs: /select/logsql/hits: more than %d groups and points; widen the interval", maxStatsRows)
			}
			out = append(out, statsRow{keys: h.Fields, ts: t.UnixNano(), vals: map[string]string{"c": strconv.FormatInt(h.Values[i], 10)}})
		}
	}
	return out, nil
}

func formatArg(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// duration writes d as a LogsQL duration, exactly.
func duration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}
