package test

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Every bucket field of a heatmap carries an `le` label with its upper
// bound: Grafana's rowsToCellsHeatmap
// (public/app/features/transformers/calculateHeatmap/heatmap.ts) lays cells
// out below their bound (yMax) and shows range tooltips only when the first
// bucket field has one, whatever meta.custom says.
func TestHeatmapBucketsCarryLeLabels(t *testing.T) {
	ds := demoDatasource(t, nil)
	for _, q := range []string{
		`{"queryType":"heatmap","query":"service:payment-service","heatmap":{"field":"latency_ms","buckets":[100,1000]},"interval":"5m"}`,
		`{"queryType":"heatmap","query":"*","heatmap":{"field":"latency_ms","count":5},"interval":"30m"}`,
	} {
		r := ds.Query(t, demoQuery("H", q))["H"]
		if r.Error != "" {
			t.Fatal(r.Error)
		}
		f := r.Frames[0]
		prev := math.Inf(-1)
		buckets := 0
		for i, fld := range f.Fields {
			if i == 0 || !fld.Type().Numeric() {
				continue
			}
			buckets++
			le, ok := fld.Labels["le"]
			if !ok || le != fld.Name {
				t.Fatalf("bucket field %q has labels %v, want le=%q", fld.Name, fld.Labels, fld.Name)
			}
			bound := math.Inf(1)
			if le != "+Inf" {
				var err error
				if bound, err = strconv.ParseFloat(le, 64); err != nil {
					t.Fatalf("le=%q is not a number", le)
				}
			}
			if bound <= prev {
				t.Fatalf("le=%s does not ascend after %v", le, prev)
			}
			prev = bound
			if fld.Config == nil || fld.Config.DisplayNameFromDS != fld.Name {
				t.Fatalf("bucket %q would display with its label appended: config %+v", fld.Name, fld.Config)
			}
		}
		if buckets < 2 || !math.IsInf(prev, 1) {
			t.Fatalf("%d buckets, the last bound %v; want upper bounds ending in +Inf", buckets, prev)
		}
	}
}

// logDetailsFields is what Grafana's log details list for a row of a
// log-lines frame, following separateVisibleFields and
// getNonEmptyVisibleFields of public/app/features/logs/components/logParser.ts
// and parseLogsFrame of public/app/features/logs/logsFrame.ts: every field
// but the first time field, the body, the id and the labels field ("extra
// fields"), plus the severity and any field with data links, minus fields
// whose config.custom.hidden is set; then each key of the labels.
func logDetailsFields(t *testing.T, f *data.Frame, row int) []string {
	t.Helper()
	var out []string
	for _, fld := range f.Fields {
		hidden := false
		if fld.Config != nil {
			hidden, _ = fld.Config.Custom["hidden"].(bool)
		}
		links := fld.Config != nil && len(fld.Config.Links) > 0
		extra := fld.Name != "timestamp" && fld.Name != "body" && fld.Name != "id" && fld.Name != "labels"
		if !hidden && (links || extra) {
			out = append(out, fld.Name)
		}
	}
	var labels map[string]any
	if err := json.Unmarshal(fieldByName(t, f, "labels").At(row).(json.RawMessage), &labels); err != nil {
		t.Fatal(err)
	}
	for k := range labels {
		out = append(out, k)
	}
	return out
}

// Log details show neither the context link's helper bounds nor a
// data-link field twice (as a label and as its linked field).
func TestLogDetailsShowNoHelpersAndNoDuplicates(t *testing.T) {
	ds := demoDatasource(t, map[string]any{
		"dataLinks": []map[string]any{{"field": "trace_id", "url": "https://traces.example/trace/${__value.raw}", "label": "Trace"}},
	})
	r := ds.Query(t, demoQuery("A", `{"queryType":"logs","query":"service:payment-service AND trace_id:*","limit":5}`))["A"]
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	f := r.Frames[0]
	if f.Rows() == 0 {
		t.Fatal("no rows")
	}
	count := map[string]int{}
	for _, name := range logDetailsFields(t, f, 0) {
		count[name]++
	}
	for _, helper := range []string{"context_from_ms", "context_to_ms"} {
		if count[helper] != 0 {
			t.Errorf("log details show %s", helper)
		}
		// The context link still reads the hidden field.
		if fld := fieldByName(t, f, helper); fld.Len() != f.Rows() {
			t.Errorf("%s has %d values for %d rows", helper, fld.Len(), f.Rows())
		}
	}
	if count["trace_id"] != 1 {
		t.Errorf("log details show trace_id %d times (%v), want once, with its link", count["trace_id"], count)
	}
	if count["service"] != 1 {
		t.Errorf("log details show service %d times, want once", count["service"])
	}
}
