package test

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// demoStart is where the demo data begins: one hour of generated incident
// logs with the incident (payment-service) from 00:20 to 00:40.
var demoStart = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

const demoEvents = 20000

// demoDatasource starts the plugin with a datasource whose store holds the
// demo hour, ingested through the resource API.
func demoDatasource(t *testing.T, jsonData map[string]any) *harness.Datasource {
	t.Helper()
	p := harness.Start(t, harness.Options{})
	settings := map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}
	for k, v := range jsonData {
		settings[k] = v
	}
	ds := p.Datasource(t, settings, nil)
	ds.Settings.Uid = "triage-test" // links carry the uid; golden files need it fixed
	gen := loadgen.New(loadgen.Config{Seed: 1, Start: demoStart, Span: time.Hour, Count: demoEvents})
	var body bytes.Buffer
	for i := 0; i < demoEvents; i++ {
		body.Write(gen.AppendNext(nil))
		body.WriteByte('\n')
		if (i+1)%5000 == 0 {
			r := ds.Resource(t, "POST", "ingest/logs?commit=force", body.Bytes())
			if r.Status != http.StatusOK {
				t.Fatalf("ingest demo data: %d %s", r.Status, r.Body)
			}
			body.Reset()
		}
	}
	return ds
}

func demoQuery(refID, json string) harness.Query {
	return harness.Query{RefID: refID, JSON: json, From: demoStart, To: demoStart.Add(time.Hour), MaxDataPoints: 60, Interval: time.Minute}
}

func TestQueryTypesMatchGoldenFrames(t *testing.T) {
	ds := demoDatasource(t, map[string]any{
		"dataLinks": []map[string]any{{"field": "trace_id", "url": "https://traces.example/trace/${__value.raw}", "label": "Trace"}},
	})
	tests := []struct {
		name string
		json string
	}{
		{"logs_errors_newest", `{"queryType":"logs","query":"severity:error AND service:payment-service","limit":20}`},
		{"logs_oldest", `{"queryType":"logs","query":"*","limit":5,"sort":"asc"}`},
		{"timeseries_errors_by_service", `{"queryType":"timeseries","query":"severity:error","metrics":[{"type":"count"}],"groupBy":[{"field":"service","size":3}],"interval":"5m"}`},
		{"timeseries_p99_latency", `{"queryType":"timeseries","query":"service:payment-service","metrics":[{"type":"percentile","field":"latency_ms","percent":99},{"type":"avg","field":"latency_ms"}],"interval":"10m"}`},
		{"heatmap_latency", `{"queryType":"heatmap","query":"service:payment-service","heatmap":{"field":"latency_ms","buckets":[10,50,100,250,500,1000,2500]},"interval":"10m"}`},
		{"heatmap_log_scale", `{"queryType":"heatmap","query":"*","heatmap":{"field":"latency_ms","count":5},"interval":"30m"}`},
		{"table_top_endpoints_by_errors", `{"queryType":"table","query":"severity:error","metrics":[{"type":"count"},{"type":"max","field":"latency_ms"}],"groupBy":[{"field":"endpoint","size":5}]}`},
		{"table_totals", `{"queryType":"table","query":"*","metrics":[{"type":"count"},{"type":"cardinality","field":"service"}]}`},
		{"field_values_service", `{"queryType":"fieldValues","field":"service","query":"severity:error","limit":5}`},
		{"logs_volume", `{"queryType":"logsVolume","query":"service:payment-service","interval":"10m"}`},
		{"annotations_exceptions", `{"queryType":"annotations","query":"PaymentGatewayTimeoutException","limit":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ds.Query(t, demoQuery("A", tt.json))["A"]
			if r.Error != "" {
				t.Fatalf("query failed: %d %s", r.Status, r.Error)
			}
			if len(r.Frames) == 0 || r.Frames[0].Rows() == 0 {
				t.Fatalf("no rows in %v", r.Frames)
			}
			dr := backend.DataResponse{Frames: r.Frames}
			experimental.CheckGoldenJSONResponse(t, "testdata/golden", tt.name, &dr, *update)
		})
	}
}

func TestLogsFrameContract(t *testing.T) {
	ds := demoDatasource(t, nil)
	first := ds.Query(t, demoQuery("A", `{"queryType":"logs","query":"severity:error","limit":50}`))["A"]
	if first.Error != "" {
		t.Fatal(first.Error)
	}
	f := first.Frames[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeLogLines || f.Meta.PreferredVisualization != data.VisTypeLogs {
		t.Fatalf("meta = %+v, want log-lines preferring the logs view", f.Meta)
	}
	for i, name := range []string{"timestamp", "body", "severity", "id", "labels"} {
		if f.Fields[i].Name != name {
			t.Fatalf("field %d is %q, want %q", i, f.Fields[i].Name, name)
		}
	}
	// Newest first, ties by id: paging by "older than the last row" neither skips nor repeats.
	seen := map[string]bool{}
	var last time.Time
	for i := 0; i < f.Rows(); i++ {
		ts := f.Fields[0].At(i).(time.Time)
		if i > 0 && ts.After(last) {
			t.Fatalf("row %d (%s) is newer than row %d (%s)", i, ts, i-1, last)
		}
		last = ts
		id := f.Fields[3].At(i).(string)
		if seen[id] {
			t.Fatalf("id %s repeats", id)
		}
		seen[id] = true
		if lvl := f.Fields[2].At(i).(string); lvl != "error" {
			t.Fatalf("row %d severity %q, want error", i, lvl)
		}
	}
	// The same query again gives the same ids: they are stable across queries.
	again := ds.Query(t, demoQuery("A", `{"queryType":"logs","query":"severity:error","limit":50}`))["A"].Frames[0]
	for i := 0; i < f.Rows(); i++ {
		if f.Fields[3].At(i) != again.Fields[3].At(i) {
			t.Fatalf("row %d id changed between queries: %v then %v", i, f.Fields[3].At(i), again.Fields[3].At(i))
		}
	}
}

// A heatmap cell's link, filled in as Grafana fills it for a clicked cell,
// scopes to exactly that bucket, and the logs of that range are exactly the
// events the cell counted.
func TestHeatmapCellLinkScopesToTheBucket(t *testing.T) {
	ds := demoDatasource(t, nil)
	const heatmapQuery = `service:payment-service`
	r := ds.Query(t, demoQuery("H", `{"queryType":"heatmap","query":"`+heatmapQuery+`","heatmap":{"field":"latency_ms","buckets":[100,1000]},"interval":"5m"}`))["H"]
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	f := r.Frames[0]
	if f.Meta == nil || f.Meta.Type != "heatmap-rows" {
		t.Fatalf("meta type %v, want heatmap-rows", f.Meta)
	}
	last := f.Fields[len(f.Fields)-1]
	if last.Name != "bucket_start_ms" || last.Type() != data.FieldTypeString {
		t.Fatalf("last field %s (%s), want string bucket_start_ms", last.Name, last.Type())
	}
	names := []string{}
	for _, fld := range f.Fields[1 : len(f.Fields)-1] {
		names = append(names, fld.Name)
	}
	if strings.Join(names, ",") != "100,1000,+Inf" {
		t.Fatalf("bucket fields %v, want 100,1000,+Inf", names)
	}
	for _, row := range []int{0, 5, f.Rows() - 1} {
		// Grafana: ${__value.time} is the row's time (the bucket END) in ms,
		// ${__data.fields.bucket_start_ms} the string field's display text.
		link := "/d/incident-response/x?from=${__data.fields.bucket_start_ms}&to=${__value.time}"
		link = strings.ReplaceAll(link, "${__data.fields.bucket_start_ms}", last.At(row).(string))
		link = strings.ReplaceAll(link, "${__value.time}", strconv.FormatInt(f.Fields[0].At(row).(time.Time).UnixMilli(), 10))
		var from, to int64
		if _, err := fmt.Sscanf(link[strings.Index(link, "?"):], "?from=%d&to=%d", &from, &to); err != nil {
			t.Fatalf("link %q: %v", link, err)
		}
		if to-from != (5 * time.Minute).Milliseconds() {
			t.Fatalf("row %d link spans %d ms, want exactly one 5m bucket", row, to-from)
		}
		var cellTotal float64
		for _, fld := range f.Fields[1 : len(f.Fields)-1] {
			cellTotal += fld.At(row).(float64)
		}
		logs := ds.Query(t, harness.Query{RefID: "L", JSON: `{"queryType":"logs","query":"` + heatmapQuery + ` AND latency_ms:*","limit":10000}`,
			From: time.UnixMilli(from), To: time.UnixMilli(to)})["L"]
		if logs.Error != "" {
			t.Fatal(logs.Error)
		}
		lf := logs.Frames[0]
		for i := 0; i < lf.Rows(); i++ {
			ts := lf.Fields[0].At(i).(time.Time)
			if ts.Before(time.UnixMilli(from)) || !ts.Before(time.UnixMilli(to)) {
				t.Fatalf("row %d: logs of [%d, %d) include %s", row, from, to, ts)
			}
		}
		if float64(lf.Rows()) != cellTotal {
			t.Fatalf("row %d: the link's logs hold %d events, the heatmap row counted %v", row, lf.Rows(), cellTotal)
		}
	}
}
