package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/pkg/query"
	"github.com/triage-logs/triage/test/harness"
)

// incidentQueriesGolden holds every query the incident dashboard sends,
// interpolated by the frontend's own code for sample selections
// (src/dashboards/dashboardQueries.test.ts writes it), plus the alert
// rule's queries.
const incidentQueriesGolden = "../src/dashboards/testdata/incident-queries.golden"

// The generated incident the dashboard tests look at: an hour of traffic
// with payment-service failing for ten minutes, and deploy markers before.
var (
	incidentFrom     = time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	incidentTo       = incidentFrom.Add(time.Hour)
	incidentStart    = incidentFrom.Add(25 * time.Minute)
	incidentDeploys  = []time.Time{incidentFrom.Add(5 * time.Minute), incidentStart.Add(-3 * time.Minute)}
	incidentEventsN  = 40_000
	incidentIngestAt = 5_000
)

// goldenQuery is one entry of incidentQueriesGolden.
type goldenQuery struct {
	Scenario string          `json:"scenario"`
	Source   string          `json:"source"`
	Wants    string          `json:"wants"`
	Model    json.RawMessage `json:"model"`
}

func readIncidentQueries(t *testing.T) []goldenQuery {
	t.Helper()
	raw, err := os.ReadFile(filepath.FromSlash(incidentQueriesGolden))
	if err != nil {
		t.Fatalf("read %s (written by jest: UPDATE_GOLDEN=1 npx jest src/dashboards): %v", incidentQueriesGolden, err)
	}
	var out []goldenQuery
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", incidentQueriesGolden, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no queries", incidentQueriesGolden)
	}
	return out
}

// TestIncidentDashboardQueriesParse checks every interpolated dashboard and
// alert query with the backend's own model reader and query parser.
func TestIncidentDashboardQueriesParse(t *testing.T) {
	for _, q := range readIncidentQueries(t) {
		t.Run(q.Scenario+"/"+q.Source, func(t *testing.T) {
			m, err := query.ParseQueryModel(q.Model, query.ModelDefaults{DefaultIndex: "logs"})
			if err != nil {
				t.Fatalf("model %s: %v", q.Model, err)
			}
			text := query.ExpandMacros(m.Query, query.MacroContext{From: incidentFrom, To: incidentTo, Interval: time.Minute})
			if _, err := query.Parse(text); err != nil {
				t.Fatalf("query.Parse(%q): %v", text, err)
			}
		})
	}
}

// incidentDatasource starts the plugin and ingests the generated incident
// and its deploy markers through the plugin's resource API.
func incidentDatasource(t *testing.T) *harness.Datasource {
	t.Helper()
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	gen := loadgen.New(loadgen.Config{Seed: 7, Start: incidentFrom, Span: time.Hour, Count: incidentEventsN,
		Incident: loadgen.Incident{Start: incidentStart, Duration: 10 * time.Minute, Service: loadgen.DefaultIncidentService}})
	var body bytes.Buffer
	for i, at := range incidentDeploys {
		fmt.Fprintf(&body, `{"timestamp":%q,"service":"payment-service","severity":"info","host":"ci-runner-1","message":"deploy payment-service v2.14.%d rolled out by ci"}`+"\n",
			at.Format(time.RFC3339Nano), i+1)
	}
	flush := func() {
		if r := ds.Resource(t, "POST", "ingest/logs?commit=force", body.Bytes()); r.Status != http.StatusOK {
			t.Fatalf("ingest the incident: %d %s", r.Status, r.Body)
		}
		body.Reset()
	}
	for i := range incidentEventsN {
		body.Write(gen.AppendNext(nil))
		body.WriteByte('\n')
		if (i+1)%incidentIngestAt == 0 {
			flush()
		}
	}
	if body.Len() > 0 {
		flush()
	}
	return ds
}

// panelRequest is how Grafana would send a query of this kind for the
// dashboard's hour: the heatmap panel asks for 60 points (1-minute cells),
// the others for about one point per 5 s.
func panelRequest(q goldenQuery) harness.Query {
	hq := harness.Query{JSON: string(q.Model), From: incidentFrom, To: incidentTo, MaxDataPoints: 720, Interval: 5 * time.Second}
	if q.Wants == "heatmap-rows" {
		hq.MaxDataPoints, hq.Interval = 60, time.Minute
	}
	return hq
}

// TestIncidentDashboardQueriesReturnTheirPanelsFrames runs every query of
// the dashboard (panels, variables, annotations) and of the alert rule
// through the plugin protocol and checks each answers with non-empty frames
// of the kind its consumer draws.
func TestIncidentDashboardQueriesReturnTheirPanelsFrames(t *testing.T) {
	queries := readIncidentQueries(t)
	ds := incidentDatasource(t)
	for _, q := range queries {
		t.Run(q.Scenario+"/"+q.Source, func(t *testing.T) {
			res := ds.Query(t, panelRequest(q))["A"]
			if res.Error != "" {
				t.Fatalf("query %s: status %d: %s", q.Model, res.Status, res.Error)
			}
			if err := checkFrames(q.Wants, res.Frames); err != nil {
				t.Fatalf("query %s: %v\n%s", q.Model, err, describeFrames(res.Frames))
			}
			var m struct {
				Live bool `json:"live"`
			}
			_ = json.Unmarshal(q.Model, &m)
			if m.Live && (res.Frames[0].Meta == nil || res.Frames[0].Meta.Channel == "") {
				t.Errorf("live logs query %s: frame carries no meta.channel, so the panel would not stream", q.Model)
			}
		})
	}
}

// checkFrames says why frames would not draw as wants, or nil.
func checkFrames(wants string, frames data.Frames) error {
	if len(frames) == 0 {
		return fmt.Errorf("no frames")
	}
	switch wants {
	case "timeseries":
		nonZero := false
		for _, f := range frames {
			if len(f.Fields) < 2 || f.Fields[0].Type() != data.FieldTypeTime {
				return fmt.Errorf("frame %q is not [time, value…]", f.Name)
			}
			for _, fld := range f.Fields[1:] {
				if !fld.Type().Numeric() {
					return fmt.Errorf("frame %q field %q is %s, not numeric", f.Name, fld.Name, fld.Type())
				}
				for i := range fld.Len() {
					if v, ok := fld.ConcreteAt(i); ok && fmt.Sprint(v) != "0" {
						nonZero = true
					}
				}
			}
		}
		if !nonZero {
			return fmt.Errorf("every value is zero")
		}
	case "log-lines":
		f := frames[0]
		if f.Meta == nil || f.Meta.Type != data.FrameTypeLogLines {
			return fmt.Errorf("frame type is not log-lines")
		}
		if err := hasFields(f, "timestamp", "body", "severity", "id", "labels"); err != nil {
			return err
		}
	case "heatmap-rows":
		f := frames[0]
		if f.Meta == nil || f.Meta.Type != "heatmap-rows" {
			return fmt.Errorf("frame type is not heatmap-rows")
		}
		last := f.Fields[len(f.Fields)-1]
		if f.Fields[0].Type() != data.FieldTypeTime || last.Name != "bucket_start_ms" || last.Type() != data.FieldTypeString {
			return fmt.Errorf("fields are not [time, buckets…, bucket_start_ms]")
		}
		if name := f.Fields[len(f.Fields)-2].Name; name != "+Inf" {
			return fmt.Errorf("last bucket is %q, want +Inf", name)
		}
		if heatmapTotal(f) == 0 {
			return fmt.Errorf("every cell is empty")
		}
	case "table":
		f := frames[0]
		if len(f.Fields) < 2 || f.Fields[0].Type() != data.FieldTypeString || !f.Fields[len(f.Fields)-1].Type().Numeric() {
			return fmt.Errorf("table is not [group, metric…]")
		}
	case "fieldValues":
		if err := hasFields(frames[0], "text", "value"); err != nil {
			return err
		}
	case "annotations":
		if err := hasFields(frames[0], "time", "timeEnd", "title", "text", "tags"); err != nil {
			return err
		}
	default:
		return fmt.Errorf("the golden file names an unknown frame kind %q", wants)
	}
	if rows, _ := frames[0].RowLen(); rows == 0 {
		return fmt.Errorf("no rows")
	}
	return nil
}

func hasFields(f *data.Frame, names ...string) error {
	for _, n := range names {
		if _, i := f.FieldByName(n); i < 0 {
			return fmt.Errorf("frame %q has no field %q", f.Name, n)
		}
	}
	return nil
}

// heatmapTotal sums every bucket cell of a heatmap-rows frame.
func heatmapTotal(f *data.Frame) float64 {
	total := 0.0
	for r := range f.Fields[0].Len() {
		total += heatmapRowTotal(f, r)
	}
	return total
}

// heatmapRowTotal sums one time bucket's cells.
func heatmapRowTotal(f *data.Frame, row int) float64 {
	total := 0.0
	for _, fld := range f.Fields[1 : len(f.Fields)-1] {
		if v, ok := fld.ConcreteAt(row); ok {
			total += v.(float64)
		}
	}
	return total
}

func describeFrames(frames data.Frames) string {
	var b strings.Builder
	for _, f := range frames {
		rows, _ := f.RowLen()
		fmt.Fprintf(&b, "frame %q rows=%d fields=", f.Name, rows)
		for _, fld := range f.Fields {
			fmt.Fprintf(&b, "%s(%s) ", fld.Name, fld.Type())
		}
		b.WriteByte('\n')
	}
	return b.String()
}
