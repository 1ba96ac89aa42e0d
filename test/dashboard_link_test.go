package test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/test/harness"
)

const incidentDashboardFile = "../dashboards/incident-response.json"

// incidentDashboard is the part of the dashboard the link test reads.
type incidentDashboard struct {
	UID    string `json:"uid"`
	Panels []struct {
		Type        string `json:"type"`
		FieldConfig struct {
			Defaults struct {
				Links []struct {
					URL string `json:"url"`
				} `json:"links"`
			} `json:"defaults"`
		} `json:"fieldConfig"`
	} `json:"panels"`
}

func heatmapLink(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(incidentDashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d incidentDashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("decode %s: %v", incidentDashboardFile, err)
	}
	for _, p := range d.Panels {
		if p.Type == "heatmap" && len(p.FieldConfig.Defaults.Links) == 1 {
			return p.FieldConfig.Defaults.Links[0].URL
		}
	}
	t.Fatalf("%s has no heatmap panel with one data link", incidentDashboardFile)
	return ""
}

// fillHeatmapLink fills a data link as Grafana does for a pinned heatmap
// tooltip: on the rows frame, at the hovered time row.
// ${__data.fields.bucket_start_ms} is that row's display text of the field,
// ${__value.time} the row's time in epoch ms, ${__all_variables} the
// dashboard's variables as query parameters.
func fillHeatmapLink(link string, f *data.Frame, row int, allVariables string) string {
	start, _ := f.Fields[len(f.Fields)-1].ConcreteAt(row)
	end, _ := f.Fields[0].ConcreteAt(row)
	return strings.NewReplacer(
		"${__data.fields.bucket_start_ms}", start.(string),
		"${__value.time}", strconv.FormatInt(end.(time.Time).UnixMilli(), 10),
		"${__all_variables}", allVariables,
	).Replace(link)
}

// TestHeatmapLinkRescopesToExactlyTheClickedBucket clicks the hottest
// heatmap cell of the incident service the way Grafana fills the link,
// and checks the rescoped range is exactly that time bucket: the logs
// panel's query over it returns only events inside it, and as many events
// (with a latency) as the heatmap counted in that row.
func TestHeatmapLinkRescopesToExactlyTheClickedBucket(t *testing.T) {
	queries := readIncidentQueries(t)
	find := func(scenario, wants string) goldenQuery {
		for _, q := range queries {
			if q.Scenario == scenario && q.Wants == wants {
				return q
			}
		}
		t.Fatalf("%s has no %s query for scenario %q", incidentQueriesGolden, wants, scenario)
		return goldenQuery{}
	}
	const scenario = "the incident service, errors and warnings"
	heatmapQ, logsQ := find(scenario, "heatmap-rows"), find(scenario, "log-lines")
	ds := incidentDatasource(t)

	hm := ds.Query(t, panelRequest(heatmapQ))["A"]
	if hm.Error != "" || len(hm.Frames) != 1 {
		t.Fatalf("heatmap: %d frames, error %q", len(hm.Frames), hm.Error)
	}
	f := hm.Frames[0]
	// The hot cell: the minute with the most requests slower than a second.
	hot, hotSlow := 0, -1.0
	for r := range f.Fields[0].Len() {
		slow := 0.0
		for _, fld := range f.Fields[1 : len(f.Fields)-1] {
			if le, err := strconv.ParseFloat(fld.Name, 64); err == nil && le > 1000 {
				v, _ := fld.ConcreteAt(r)
				slow += v.(float64)
			}
		}
		if slow > hotSlow {
			hot, hotSlow = r, slow
		}
	}
	hotTotal := heatmapRowTotal(f, hot)
	startText, _ := f.Fields[len(f.Fields)-1].ConcreteAt(hot)
	startMs, err := strconv.ParseInt(startText.(string), 10, 64)
	if err != nil {
		t.Fatalf("bucket_start_ms %q: %v", startText, err)
	}
	end, _ := f.Fields[0].ConcreteAt(hot)
	bucketStart, bucketEnd := time.UnixMilli(startMs).UTC(), end.(time.Time).UTC()
	if got := bucketEnd.Sub(bucketStart); got != time.Minute {
		t.Fatalf("row %d spans %v, want the panel's 1m interval", hot, got)
	}
	if bucketStart.Before(incidentStart) || !bucketStart.Before(incidentStart.Add(10*time.Minute)) {
		t.Fatalf("the hottest cell [%s, %s) is outside the incident from %s: the heatmap does not show it", bucketStart, bucketEnd, incidentStart)
	}

	filled := fillHeatmapLink(heatmapLink(t), f, hot, "var-service=payment-service&var-severity=error&var-severity=warn")
	u, err := url.Parse(filled)
	if err != nil {
		t.Fatalf("filled link %q: %v", filled, err)
	}
	if u.Path != "/d/incident-response/incident-response" {
		t.Errorf("link goes to %s, not this dashboard", u.Path)
	}
	from, err1 := strconv.ParseInt(u.Query().Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(u.Query().Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("filled link %q has no epoch-ms from/to", filled)
	}
	if from != bucketStart.UnixMilli() || to != bucketEnd.UnixMilli() {
		t.Fatalf("link rescopes to [%d, %d], want the bucket [%d, %d]", from, to, bucketStart.UnixMilli(), bucketEnd.UnixMilli())
	}
	if got := u.Query()["var-service"]; len(got) != 1 || got[0] != "payment-service" {
		t.Errorf("link keeps var-service=%v, want payment-service", got)
	}

	rescoped := func(model string) []time.Time {
		t.Helper()
		res := ds.Query(t, harnessQuery(model, time.UnixMilli(from), time.UnixMilli(to)))["A"]
		if res.Error != "" || len(res.Frames) != 1 {
			t.Fatalf("logs over the bucket: %d frames, error %q", len(res.Frames), res.Error)
		}
		ts, i := res.Frames[0].FieldByName("timestamp")
		if i < 0 {
			t.Fatal("logs frame has no timestamp field")
		}
		out := make([]time.Time, ts.Len())
		for r := range out {
			v, _ := ts.ConcreteAt(r)
			out[r] = v.(time.Time)
		}
		return out
	}
	inside := func(name string, times []time.Time) {
		t.Helper()
		for _, at := range times {
			if at.Before(bucketStart) || !at.Before(bucketEnd) {
				t.Errorf("%s: event at %s is outside the bucket [%s, %s)", name, at.Format(time.RFC3339Nano), bucketStart.Format(time.RFC3339), bucketEnd.Format(time.RFC3339))
			}
		}
	}

	// The logs panel itself, as the rescoped dashboard runs it.
	var panel map[string]any
	if err := json.Unmarshal(logsQ.Model, &panel); err != nil {
		t.Fatal(err)
	}
	panel["live"], panel["limit"] = false, 10000
	panelJSON, _ := json.Marshal(panel)
	panelTimes := rescoped(string(panelJSON))
	if len(panelTimes) == 0 {
		t.Fatal("the logs panel shows nothing for the hottest bucket")
	}
	inside("logs panel", panelTimes)

	// Every event the heatmap counted in that row, and no other.
	var hq struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(heatmapQ.Model, &hq)
	counted, _ := json.Marshal(map[string]any{"queryType": "logs", "query": hq.Query + " AND latency_ms:*", "limit": 10000})
	times := rescoped(string(counted))
	inside("heatmap's events", times)
	if float64(len(times)) != hotTotal {
		t.Errorf("logs over the bucket return %d events, the heatmap row counted %v", len(times), hotTotal)
	}
}

func harnessQuery(model string, from, to time.Time) harness.Query {
	return harness.Query{JSON: model, From: from, To: to, MaxDataPoints: 720, Interval: time.Second}
}

// TestPackageBundlesTheIncidentDashboard checks the zip `mage package` made
// holds the dashboard plugin.json includes, byte for byte.
func TestPackageBundlesTheIncidentDashboard(t *testing.T) {
	zipPath := os.Getenv("TRIAGE_PACKAGE_ZIP")
	if zipPath == "" {
		t.Skip("TRIAGE_PACKAGE_ZIP is not set; `mage test` builds the package and sets it")
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("open %s: %v", zipPath, err)
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	var manifest struct {
		Includes []struct {
			Type string `json:"type"`
			Path string `json:"path"`
		} `json:"includes"`
	}
	readJSON(t, files["triage-logs-datasource/plugin.json"], &manifest)
	if len(manifest.Includes) != 1 || manifest.Includes[0].Type != "dashboard" {
		t.Fatalf("plugin.json includes %+v, want the incident dashboard", manifest.Includes)
	}
	f := files["triage-logs-datasource/"+manifest.Includes[0].Path]
	if f == nil {
		t.Fatalf("package has no %s, which plugin.json includes", manifest.Includes[0].Path)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(incidentDashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("packaged %s differs from %s", f.Name, incidentDashboardFile)
	}
}
