package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/test/harness"
)

// TestBackendsAnswerAlike switches the datasource's backend and runs what
// a user touches through the built plugin: the bundled dashboard's queries
// as the frontend interpolates them, its data links and heatmap-cell
// rescope, logs volume, log context, Explore's paging and the alert rule's
// queries. The embedded engine is the reference; a VictoriaLogs cluster,
// the strict Quickwit fake and `gpx_triage serve` read as Quickwit must
// show the same counts, buckets, top-N names and rows.
func TestBackendsAnswerAlike(t *testing.T) {
	set := startBackends(t, incidentLines(), incidentFrom.Add(-time.Hour), incidentTo.Add(time.Hour))
	ref := set[0]
	queries := readIncidentQueries(t)

	t.Run("dashboard", func(t *testing.T) {
		for _, q := range queries {
			t.Run(q.Scenario+"/"+q.Source, func(t *testing.T) {
				want := panelDigest(t, ref, q)
				if len(want) == 0 {
					t.Fatal("the reference answer is empty; the data does not exercise it")
				}
				for _, b := range set[1:] {
					if d := compareDigests(want, panelDigest(t, b, q)); len(d) > 0 {
						t.Errorf("%s differs from embedded:\n  %s", b.name, strings.Join(d, "\n  "))
					}
				}
			})
		}
	})

	t.Run("alert rule evaluation", func(t *testing.T) {
		for _, q := range queries {
			if q.Scenario != "alert rule" {
				continue
			}
			hq := panelRequest(q)
			hq.From, hq.To = incidentStart, incidentStart.Add(5*time.Minute)
			want := digestFrames(t, "timeseries", alertQuery(t, ref, hq).Frames)
			for _, b := range set[1:] {
				if d := compareDigests(want, digestFrames(t, "timeseries", alertQuery(t, b, hq).Frames)); len(d) > 0 {
					t.Errorf("%s %s differs from embedded:\n  %s", b.name, q.Source, strings.Join(d, "\n  "))
				}
			}
		}
	})

	t.Run("data links", func(t *testing.T) {
		q := harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"service:payment-service AND severity:error","limit":20}`,
			From: incidentStart, To: incidentStart.Add(10 * time.Minute)}
		for _, b := range set {
			f := mustFrames(t, b, q)[0]
			trace, _ := f.FieldByName("trace_id")
			if trace == nil || trace.Config == nil || len(trace.Config.Links) != 1 || trace.Config.Links[0].URL != traceLink["url"] {
				t.Errorf("%s: the trace_id field carries no configured link: %+v", b.name, trace)
			}
			ids, _ := f.FieldByName("id")
			if ids == nil || ids.Config == nil || len(ids.Config.Links) != 1 || !strings.Contains(ids.Config.Links[0].URL, "context_from_ms") {
				t.Errorf("%s: the id field carries no \"logs around this line\" link", b.name)
			}
			for r := range f.Rows() {
				if trace.At(r).(string) == "" {
					t.Errorf("%s: row %d has no trace id for its link", b.name, r)
				}
				if _, ok := labelsOf(t, f, r)["trace_id"]; ok {
					t.Errorf("%s: row %d repeats the link field in labels", b.name, r)
				}
			}
		}
	})

	t.Run("heatmap cell rescope", func(t *testing.T) { checkRescope(t, set, queries) })

	t.Run("logs volume", func(t *testing.T) {
		q := harness.Query{RefID: "A", JSON: `{"queryType":"logsVolume","query":"service:payment-service"}`,
			From: incidentFrom, To: incidentTo, MaxDataPoints: 60, Interval: time.Minute}
		want := digestFrames(t, "logsVolume", mustFrames(t, ref, q))
		if len(want) == 0 {
			t.Fatal("no volume on the reference")
		}
		for _, b := range set[1:] {
			if d := compareDigests(want, digestFrames(t, "logsVolume", mustFrames(t, b, q))); len(d) > 0 {
				t.Errorf("%s differs from embedded:\n  %s", b.name, strings.Join(d, "\n  "))
			}
		}
	})

	t.Run("editor and variable resources", func(t *testing.T) { checkResources(t, set) })
	t.Run("log context", func(t *testing.T) { checkContext(t, set) })
	t.Run("explore paging by time", func(t *testing.T) { checkTimePaging(t, set) })
	t.Run("paging by cursor", func(t *testing.T) { checkCursorPaging(t, set) })
}

// panelDigest runs one dashboard query as its panel sends it. Logs panels
// are compared on their newest `limit` rows: a page is completed to the
// end of its last unit of time, which is coarser on some stores.
func panelDigest(t *testing.T, b *backendDS, q goldenQuery) digest {
	t.Helper()
	frames := mustFrames(t, b, panelRequest(q))
	if err := checkFrames(q.Wants, frames); err != nil {
		t.Fatalf("%s: %v\n%s", b.name, err, describeFrames(frames))
	}
	if q.Wants != "log-lines" {
		return digestFrames(t, q.Wants, frames)
	}
	var m struct {
		Limit int `json:"limit"`
	}
	_ = json.Unmarshal(q.Model, &m)
	rows := logRows(t, frames[0])
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.After(rows[j].at) })
	out := digest{}
	for _, r := range rows[:min(m.Limit, len(rows))] {
		out[r.key()]++
	}
	if frames[0].Meta == nil || !strings.HasPrefix(frames[0].Meta.Channel, "ds/"+b.ds.Settings.Uid+"/tail/") {
		t.Errorf("%s: the live logs frame names no tail channel of this datasource", b.name)
	}
	return out
}

func mustFrames(t *testing.T, b *backendDS, q harness.Query) data.Frames {
	t.Helper()
	if q.RefID == "" {
		q.RefID = "A"
	}
	r := b.ds.Query(t, q)[q.RefID]
	if r.Error != "" {
		t.Fatalf("%s: %s: status %d: %s", b.name, q.JSON, r.Status, r.Error)
	}
	return r.Frames
}

// alertQuery runs a query as Grafana's alerting does (the FromAlert header).
func alertQuery(t *testing.T, b *backendDS, q harness.Query) harness.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q.RefID = "A"
	res, err := b.ds.QueryContext(ctx, map[string]string{"FromAlert": "true"}, q)
	if err != nil {
		t.Fatalf("%s: %v", b.name, err)
	}
	if res["A"].Error != "" {
		t.Fatalf("%s: alert query: %s", b.name, res["A"].Error)
	}
	return res["A"]
}

// checkRescope fills the heatmap's link from the hottest cell of each
// store's own frame, as Grafana does, and runs the rescoped logs: they hold
// exactly the events the cell counted, and every store agrees.
func checkRescope(t *testing.T, set []*backendDS, queries []goldenQuery) {
	var heatmapQ goldenQuery
	for _, q := range queries {
		if q.Scenario == "the incident service, errors and warnings" && q.Wants == "heatmap-rows" {
			heatmapQ = q
		}
	}
	var hq struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(heatmapQ.Model, &hq)
	link := heatmapLink(t)
	var wantFrom, wantTo int64
	wantCount := -1.0
	for _, b := range set {
		f := mustFrames(t, b, panelRequest(heatmapQ))[0]
		hot, hotTotal := 0, -1.0
		for r := range f.Rows() {
			if total := heatmapRowTotal(f, r); total > hotTotal {
				hot, hotTotal = r, total
			}
		}
		u, err := url.Parse(fillHeatmapLink(link, f, hot, "var-service=payment-service"))
		if err != nil {
			t.Fatal(err)
		}
		from, _ := strconv.ParseInt(u.Query().Get("from"), 10, 64)
		to, _ := strconv.ParseInt(u.Query().Get("to"), 10, 64)
		if wantCount < 0 {
			wantFrom, wantTo, wantCount = from, to, hotTotal
		} else if from != wantFrom || to != wantTo || hotTotal != wantCount {
			t.Errorf("%s: the hottest cell is [%d, %d) with %v events, embedded's [%d, %d) with %v", b.name, from, to, hotTotal, wantFrom, wantTo, wantCount)
		}
		model, _ := json.Marshal(map[string]any{"queryType": "logs", "query": hq.Query + " AND latency_ms:*", "limit": 10000})
		rows := logRows(t, mustFrames(t, b, harnessQuery(string(model), time.UnixMilli(from), time.UnixMilli(to)))[0])
		if float64(len(rows)) != hotTotal {
			t.Errorf("%s: the rescoped logs hold %d events, the cell counted %v", b.name, len(rows), hotTotal)
		}
		for _, r := range rows {
			if r.at.Before(time.UnixMilli(from)) || !r.at.Before(time.UnixMilli(to)) {
				t.Errorf("%s: event at %s is outside the cell", b.name, r.at)
			}
		}
	}
}

// contextQuery is the query the frontend's log context sends for a row
// (src/explore/logContext.ts): every event of the index beyond the row's
// position, on one side.
func contextQuery(row logRow, backward bool, limit int) harness.Query {
	seq := row.id[strings.LastIndexByte(row.id, ':')+1:]
	sortOrder, from, to := "asc", row.at.Truncate(time.Millisecond), row.at.Add(2*time.Hour)
	if backward {
		sortOrder, from, to = "desc", row.at.Add(-2*time.Hour), row.at.Truncate(time.Millisecond).Add(2*time.Millisecond)
	}
	model, _ := json.Marshal(map[string]any{"queryType": "logs", "query": "*", "limit": limit, "sort": sortOrder,
		"after": fmt.Sprintf("%d:%s", row.at.UnixNano(), seq)})
	return harness.Query{RefID: "A", JSON: string(model), From: from, To: to}
}

// checkContext opens the context of the same incident line on every store,
// both directions and one "load more": the same neighbours, in order.
func checkContext(t *testing.T, set []*backendDS) {
	q := harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"service:payment-service AND severity:error","limit":5}`,
		From: incidentStart.Add(3 * time.Minute), To: incidentStart.Add(4 * time.Minute)}
	var want []string
	for _, b := range set {
		row := logRows(t, mustFrames(t, b, q)[0])[2]
		var got []string
		for _, backward := range []bool{true, false} {
			first := logRows(t, mustFrames(t, b, contextQuery(row, backward, 30))[0])
			more := logRows(t, mustFrames(t, b, contextQuery(first[len(first)-1], backward, 30))[0])
			for _, r := range append(first, more...) {
				got = append(got, r.traceID)
			}
			got = append(got, "|")
			if len(first) != 30 {
				t.Errorf("%s: context (backward=%v) holds %d rows, want 30", b.name, backward, len(first))
			}
		}
		if want == nil {
			want = got
			continue
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: the context of %s differs from embedded's:\n got %v\nwant %v", b.name, row.traceID, got, want)
		}
	}
}

// checkTimePaging pages as Explore's "older logs" does: the next request
// ends at the oldest shown row's millisecond. Every event of the range
// comes, on every store.
func checkTimePaging(t *testing.T, set []*backendDS) {
	from, to := incidentStart.Add(2*time.Minute), incidentStart.Add(3*time.Minute)
	var want map[string]bool
	for _, b := range set {
		seen := map[string]bool{}
		end := to
		for page := 0; ; page++ {
			if page > 500 {
				t.Fatalf("%s: paging does not end", b.name)
			}
			q := harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"*","limit":40}`, From: from, To: end}
			rows := logRows(t, mustFrames(t, b, q)[0])
			if len(rows) == 0 {
				break
			}
			oldest := rows[0].at
			for _, r := range rows {
				seen[r.traceID] = true
				if r.at.Before(oldest) {
					oldest = r.at
				}
			}
			end = oldest.Truncate(time.Millisecond)
		}
		if want == nil {
			want = seen
			if len(want) < 200 {
				t.Fatalf("the range holds %d events; paging needs many pages", len(want))
			}
			continue
		}
		if d := compareSets(want, seen); d != "" {
			t.Errorf("%s: paging by time %s", b.name, d)
		}
	}
}

// checkCursorPaging follows meta.custom.cursor with `after`: every event
// once, newest first.
func checkCursorPaging(t *testing.T, set []*backendDS) {
	from, to := incidentStart, incidentStart.Add(3*time.Minute)
	var want map[string]bool
	for _, b := range set {
		seen := map[string]bool{}
		after := ""
		var last time.Time
		for page := 0; ; page++ {
			if page > 500 {
				t.Fatalf("%s: paging does not end", b.name)
			}
			model := map[string]any{"queryType": "logs", "query": "service:payment-service", "limit": 37}
			if after != "" {
				model["after"] = after
			}
			raw, _ := json.Marshal(model)
			f := mustFrames(t, b, harness.Query{RefID: "A", JSON: string(raw), From: from, To: to})[0]
			for _, r := range logRows(t, f) {
				if seen[r.traceID] {
					t.Fatalf("%s: %s comes twice", b.name, r.traceID)
				}
				if !last.IsZero() && r.at.After(last) {
					t.Fatalf("%s: %s at %s comes after a newer row at %s", b.name, r.traceID, r.at, last)
				}
				seen[r.traceID], last = true, r.at
			}
			cursor, _ := f.Meta.Custom.(map[string]any)["cursor"].(string)
			if cursor == "" {
				break
			}
			after = cursor
		}
		if want == nil {
			want = seen
			continue
		}
		if d := compareSets(want, seen); d != "" {
			t.Errorf("%s: paging by cursor %s", b.name, d)
		}
	}
}

func compareSets(want, got map[string]bool) string {
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) == 0 {
		return ""
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return fmt.Sprintf("misses %d events %v and adds %d %v", len(missing), head(missing), len(extra), head(extra))
}

func head(s []string) []string { return s[:min(5, len(s))] }

// checkResources calls what the query editor and ad hoc filters call:
// fields, a field's top values (the same names and counts everywhere) and
// the indexes; ingest through Grafana is refused on a cluster, naming it.
func checkResources(t *testing.T, set []*backendDS) {
	values := fmt.Sprintf("values?index=logs&field=endpoint&query=%s&from=%d&to=%d&limit=5",
		url.QueryEscape("service:payment-service AND severity:error"), incidentStart.UnixMilli(), incidentStart.Add(10*time.Minute).UnixMilli())
	var want string
	for _, b := range set {
		var fields struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		}
		resourceJSON(t, b, "fields?index=logs", &fields)
		names := map[string]bool{}
		for _, f := range fields.Fields {
			names[f.Name] = true
		}
		for _, n := range []string{"timestamp", "message", "service", "severity", "latency_ms", "endpoint"} {
			if !names[n] {
				t.Errorf("%s: fields lack %s: %v", b.name, n, names)
			}
		}
		var vals struct {
			Values []struct {
				Value string `json:"value"`
				Count int64  `json:"count"`
			} `json:"values"`
		}
		resourceJSON(t, b, values, &vals)
		got := fmt.Sprint(vals.Values)
		if want == "" {
			want = got
			if len(vals.Values) < 3 {
				t.Fatalf("the reference lists %d endpoints, want at least 3: %s", len(vals.Values), got)
			}
		} else if got != want {
			t.Errorf("%s: top endpoints %s, embedded's %s", b.name, got, want)
		}
		var ixs struct {
			Indexes []struct {
				ID string `json:"id"`
			} `json:"indexes"`
		}
		resourceJSON(t, b, "indexes", &ixs)
		if len(ixs.Indexes) != 1 || ixs.Indexes[0].ID != "logs" {
			t.Errorf("%s: indexes %+v, want logs", b.name, ixs.Indexes)
		}
		if b.name == "embedded" {
			continue
		}
		r := b.ds.Resource(t, "POST", "ingest/logs", []byte(`{"message":"x"}`))
		if r.Status != 400 || !strings.Contains(string(r.Body), "send logs to the cluster's own ingest endpoint") {
			t.Errorf("%s: ingest through Grafana answered %d %s, want 400 pointing at the cluster", b.name, r.Status, r.Body)
		}
	}
}

func resourceJSON(t *testing.T, b *backendDS, path string, out any) {
	t.Helper()
	r := b.ds.Resource(t, "GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("%s: GET %s: %d %s", b.name, path, r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		t.Fatalf("%s: GET %s: %v", b.name, path, err)
	}
}
