package test

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// digest is what a panel shows, keyed by where it shows it: series and
// time, heatmap row and bucket, table group, variable option.
type digest map[string]float64

// digestFrames reads the values a panel of kind wants draws from frames.
func digestFrames(t *testing.T, wants string, frames data.Frames) digest {
	t.Helper()
	out := digest{}
	switch wants {
	case "timeseries", "logsVolume":
		for _, f := range frames {
			if len(f.Fields) < 2 {
				continue // the no-data frame
			}
			for _, fld := range f.Fields[1:] {
				for r := range fld.Len() {
					if v, ok := fld.ConcreteAt(r); ok {
						out[fmt.Sprintf("%s%v@%s", fld.Name, fld.Labels, timeAt(f, r))] = v.(float64)
					}
				}
			}
		}
	case "heatmap-rows":
		f := frames[0]
		for _, fld := range f.Fields[1 : len(f.Fields)-1] {
			for r := range fld.Len() {
				v, _ := fld.ConcreteAt(r)
				out[fmt.Sprintf("le=%s@%s", fld.Name, timeAt(f, r))] = v.(float64)
			}
		}
	case "table":
		f := frames[0]
		for r := range f.Rows() {
			var group []string
			for _, fld := range f.Fields {
				if fld.Type() == data.FieldTypeString {
					group = append(group, fmt.Sprint(fld.At(r)))
					continue
				}
				if v, ok := fld.ConcreteAt(r); ok {
					out[strings.Join(group, ",")+"/"+fld.Name] = v.(float64)
				}
			}
		}
	case "fieldValues":
		f := frames[0]
		text, counts := f.Fields[0], f.Fields[2]
		for r := range f.Rows() {
			out[text.At(r).(string)] = float64(counts.At(r).(int64))
		}
	case "annotations":
		f := frames[0]
		for r := range f.Rows() {
			out[fmt.Sprintf("%s %s %s", timeAt(f, r), f.Fields[2].At(r), f.Fields[3].At(r))]++
		}
	case "log-lines":
		for _, row := range logRows(t, frames[0]) {
			out[row.key()]++
		}
	default:
		t.Fatalf("no digest for %q", wants)
	}
	return out
}

func timeAt(f *data.Frame, row int) string {
	return f.Fields[0].At(row).(time.Time).UTC().Format(time.RFC3339Nano)
}

// compareDigests lists where got differs from want, at most ten lines.
func compareDigests(want, got digest) []string {
	var diffs []string
	for k, w := range want {
		if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			diffs = append(diffs, fmt.Sprintf("%s: want %v, got %v", k, w, got[k]))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: want nothing, got %v", k, g))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("… %d more", len(diffs)-10))
	}
	return diffs
}

// logRow is what the logs panel shows of one row.
type logRow struct {
	at       time.Time
	traceID  string
	severity string
	body     string
	id       string
}

func (r logRow) key() string {
	return r.at.UTC().Format(time.RFC3339Nano) + " " + r.traceID + " " + r.severity + " " + r.body
}

// logRows reads a log-lines frame; trace_id is its data-link field.
func logRows(t *testing.T, f *data.Frame) []logRow {
	t.Helper()
	trace, i := f.FieldByName("trace_id")
	if i < 0 {
		t.Fatalf("logs frame has no trace_id data-link field: %s", describeFrames(data.Frames{f}))
	}
	body, _ := f.FieldByName("body")
	sev, _ := f.FieldByName("severity")
	ids, _ := f.FieldByName("id")
	out := make([]logRow, f.Rows())
	for r := range out {
		out[r] = logRow{at: f.Fields[0].At(r).(time.Time), traceID: trace.At(r).(string), severity: sev.At(r).(string),
			body: body.At(r).(string), id: ids.At(r).(string)}
	}
	return out
}

// labelsOf decodes a row's labels.
func labelsOf(t *testing.T, f *data.Frame, row int) map[string]any {
	t.Helper()
	fld, i := f.FieldByName("labels")
	if i < 0 {
		t.Fatal("logs frame has no labels")
	}
	var m map[string]any
	if err := json.Unmarshal(fld.At(row).(json.RawMessage), &m); err != nil {
		t.Fatalf("labels of row %d: %v", row, err)
	}
	return m
}
