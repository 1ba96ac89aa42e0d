package test

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/test/harness"
)

var renderPNG = flag.String("render-dashboard", "", "also screenshot the rendered incident dashboard into this PNG (e.g. ../src/img/incident-dashboard.png) with headless Chromium")

// The README's picture: thirty minutes ending eight minutes into the
// incident, as the on-call engineer opens the dashboard.
var (
	renderFrom = incidentStart.Add(-22 * time.Minute)
	renderTo   = incidentStart.Add(8 * time.Minute)
)

const (
	renderWidth  = 1920
	renderHeight = 1080
	gridTop      = 56
	colWidth     = renderWidth / 24.0
	rowHeight    = (renderHeight - gridTop) / 26.0
)

var palette = []string{"#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#705da0", "#37872d", "#fade2a"}

// TestRenderIncidentDashboard draws the incident dashboard from the frames
// the plugin answers to its queries (All services, All severities), laid
// out by the dashboard's gridPos, with the deploy annotations and the line
// where the provisioned alert rule would fire. It checks every panel drew
// data; with -render-dashboard it screenshots the page for the README.
func TestRenderIncidentDashboard(t *testing.T) {
	queries := readIncidentQueries(t)
	ds := incidentDatasource(t)
	raw, err := os.ReadFile(incidentDashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			ID      int                      `json:"id"`
			Type    string                   `json:"type"`
			Title   string                   `json:"title"`
			GridPos struct{ X, Y, W, H int } `json:"gridPos"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	run := func(model json.RawMessage, from time.Time, interval time.Duration) data.Frames {
		t.Helper()
		res := ds.Query(t, harness.Query{JSON: string(model), From: from, To: renderTo, MaxDataPoints: 60, Interval: interval})["A"]
		if res.Error != "" {
			t.Fatalf("query %s: %s", model, res.Error)
		}
		return res.Frames
	}
	byPanel := map[string]data.Frames{}
	var deploys []time.Time
	var alertQueries []json.RawMessage
	for _, q := range queries {
		switch {
		case q.Scenario == "everything (All, All)" && strings.HasPrefix(q.Source, "panel "):
			id := strings.Fields(q.Source)[1]
			byPanel[id] = run(q.Model, renderFrom, 30*time.Second)
		case q.Scenario == "everything (All, All)" && q.Wants == "annotations":
			for _, f := range run(q.Model, renderFrom, time.Minute) {
				if tf, i := f.FieldByName("time"); i >= 0 {
					for r := range tf.Len() {
						v, _ := tf.ConcreteAt(r)
						deploys = append(deploys, v.(time.Time))
					}
				}
			}
		case q.Scenario == "alert rule":
			alertQueries = append(alertQueries, q.Model)
		}
	}
	if len(alertQueries) != 2 {
		t.Fatalf("want the alert rule's errors and events queries, got %d", len(alertQueries))
	}
	firing := alertFiresAt(run(alertQueries[0], renderFrom.Add(-6*time.Minute), time.Minute), run(alertQueries[1], renderFrom.Add(-6*time.Minute), time.Minute))
	if firing.IsZero() || firing.Before(incidentStart) {
		t.Fatalf("the alert rule's condition first holds at %v, want during the incident from %v", firing, incidentStart)
	}

	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="Inter, Helvetica, Arial, sans-serif">`, renderWidth, renderHeight)
	fmt.Fprintf(&svg, `<rect width="100%%" height="100%%" fill="#111217"/><text x="16" y="24" fill="#ccccdc" font-size="18">%s</text>`, html.EscapeString(dash.Title))
	fmt.Fprintf(&svg, `<text x="16" y="46" fill="#8e8e8e" font-size="13">service: All · severity: All · %s – %s UTC · ▲ deploys (orange) · │ alert rule fired (red)</text>`,
		renderFrom.Format("15:04"), renderTo.Format("15:04"))
	for _, p := range dash.Panels {
		x, y := float64(p.GridPos.X)*colWidth+4, gridTop+float64(p.GridPos.Y)*rowHeight+4
		w, h := float64(p.GridPos.W)*colWidth-8, float64(p.GridPos.H)*rowHeight-8
		fmt.Fprintf(&svg, `<g transform="translate(%.1f,%.1f)"><rect width="%.1f" height="%.1f" rx="4" fill="#181b1f" stroke="#2c3235"/>`, x, y, w, h)
		fmt.Fprintf(&svg, `<text x="10" y="20" fill="#ccccdc" font-size="14">%s</text>`, html.EscapeString(p.Title))
		frames := byPanel[fmt.Sprint(p.ID)]
		var drawn int
		switch p.Type {
		case "timeseries":
			drawn = drawTimeseries(&svg, frames, w, h, deploys, firing)
		case "logs":
			drawn = drawLogs(&svg, frames, w, h)
		case "heatmap":
			drawn = drawHeatmap(&svg, frames, w, h)
		case "table":
			drawn = drawTable(&svg, frames, w, h)
		}
		svg.WriteString(`</g>`)
		if drawn == 0 {
			t.Errorf("panel %q drew nothing from %d frames", p.Title, len(frames))
		}
	}
	svg.WriteString(`</svg>`)

	if *renderPNG == "" {
		return
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "dashboard.html")
	doc := `<!doctype html><html><body style="margin:0;background:#111217">` + svg.String() + `</body></html>`
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := filepath.Abs(*renderPNG)
	if err != nil {
		t.Fatal(err)
	}
	browser := os.Getenv("CHROMIUM_PATH")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		fmt.Sprintf("--window-size=%d,%d", renderWidth, renderHeight), "--screenshot="+out, "file://"+page)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, msg)
	}
	t.Logf("wrote %s", out)
}

// alertFiresAt evaluates the provisioned rule from its queries' frames as
// Grafana would each minute: errors/events per service over [m-6m, m-1m)
// above 0.1, held for one more evaluation (for: 1m). Zero when it never fires.
func alertFiresAt(errors, events data.Frames) time.Time {
	perService := func(frames data.Frames) map[string]map[time.Time]float64 {
		out := map[string]map[time.Time]float64{}
		for _, f := range frames {
			if len(f.Fields) < 2 {
				continue
			}
			svc := f.Fields[1].Labels["service"]
			out[svc] = map[time.Time]float64{}
			for r := range f.Fields[0].Len() {
				at, _ := f.Fields[0].ConcreteAt(r)
				v, _ := f.Fields[1].FloatAt(r)
				out[svc][at.(time.Time)] = v
			}
		}
		return out
	}
	errs, evs := perService(errors), perService(events)
	holds := func(m time.Time) bool {
		for svc, counts := range evs {
			var e, n float64
			for at, v := range counts {
				if !at.Before(m.Add(-6*time.Minute)) && at.Before(m.Add(-time.Minute)) {
					n += v
					e += errs[svc][at]
				}
			}
			if n > 0 && e/n > 0.1 {
				return true
			}
		}
		return false
	}
	for m := renderFrom.Truncate(time.Minute); !m.After(renderTo); m = m.Add(time.Minute) {
		if holds(m) && holds(m.Add(time.Minute)) {
			return m.Add(time.Minute)
		}
	}
	return time.Time{}
}

func xOf(at time.Time, w float64) float64 {
	return 50 + (w-60)*float64(at.Sub(renderFrom))/float64(renderTo.Sub(renderFrom))
}

func drawTimeseries(svg *strings.Builder, frames data.Frames, w, h float64, deploys []time.Time, firing time.Time) int {
	type series struct {
		name   string
		points [][2]float64
		max    float64
	}
	var all []series
	top := 0.0
	for _, f := range frames {
		if len(f.Fields) < 2 {
			continue
		}
		s := series{name: f.Fields[1].Labels["service"]}
		for r := range f.Fields[0].Len() {
			at, _ := f.Fields[0].ConcreteAt(r)
			v, _ := f.Fields[1].FloatAt(r)
			s.points = append(s.points, [2]float64{xOf(at.(time.Time), w), v})
			s.max = math.Max(s.max, v)
		}
		top = math.Max(top, s.max)
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].max > all[j].max })
	plotTop, plotBottom := 34.0, h-22
	yOf := func(v float64) float64 { return plotBottom - (plotBottom-plotTop)*v/math.Max(top, 1) }
	for _, v := range []float64{0, top / 2, top} {
		fmt.Fprintf(svg, `<line x1="50" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#2c3235"/><text x="44" y="%.1f" fill="#8e8e8e" font-size="11" text-anchor="end">%.0f</text>`, w-10, yOf(v), yOf(v), yOf(v)+4, v)
	}
	for i := 0; i <= 3; i++ {
		at := renderFrom.Add(time.Duration(i) * renderTo.Sub(renderFrom) / 3)
		fmt.Fprintf(svg, `<text x="%.1f" y="%.1f" fill="#8e8e8e" font-size="11" text-anchor="middle">%s</text>`, xOf(at, w), h-6, at.Format("15:04"))
	}
	for _, d := range deploys {
		fmt.Fprintf(svg, `<line x1="%[1]f" x2="%[1]f" y1="%[2]f" y2="%[3]f" stroke="#ff9830" stroke-dasharray="4 3"/><path d="M%[1]f %[3]f l-5 8 h10 z" fill="#ff9830"/>`, xOf(d, w), plotTop, plotBottom)
	}
	if !firing.IsZero() {
		fmt.Fprintf(svg, `<line x1="%[1]f" x2="%[1]f" y1="%[2]f" y2="%[3]f" stroke="#f2495c" stroke-width="2"/>`, xOf(firing, w), plotTop, plotBottom)
	}
	drawn := 0
	for i := len(all) - 1; i >= 0; i-- {
		var pts []string
		for _, p := range all[i].points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p[0], yOf(p[1])))
		}
		if len(pts) > 1 {
			drawn++
			fmt.Fprintf(svg, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%d"/>`, strings.Join(pts, " "), palette[i%len(palette)], 1+btoi(i == 0))
		}
	}
	for i, s := range all[:min(len(all), 4)] {
		fmt.Fprintf(svg, `<rect x="%.1f" y="%d" width="10" height="3" fill="%s"/><text x="%.1f" y="%d" fill="#ccccdc" font-size="11">%s  max %.0f</text>`,
			w-230, 16+i*14, palette[i%len(palette)], w-215, 20+i*14, html.EscapeString(s.name), s.max)
	}
	return drawn
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

var severityColor = map[string]string{"error": "#f2495c", "critical": "#b877d9", "warning": "#ff9830", "warn": "#ff9830", "info": "#73bf69", "debug": "#5794f2"}

func drawLogs(svg *strings.Builder, frames data.Frames, w, h float64) int {
	if len(frames) == 0 {
		return 0
	}
	f := frames[0]
	ts, _ := f.FieldByName("timestamp")
	body, _ := f.FieldByName("body")
	sev, _ := f.FieldByName("severity")
	if ts == nil || body == nil || sev == nil {
		return 0
	}
	rows := min(ts.Len(), int((h-40)/18))
	for r := range rows {
		at, _ := ts.ConcreteAt(r)
		b, _ := body.ConcreteAt(r)
		s, _ := sev.ConcreteAt(r)
		y := 40 + float64(r)*18
		line := fmt.Sprint(b)
		if max := int((w - 200) / 6.6); len(line) > max {
			line = line[:max] + "…"
		}
		fmt.Fprintf(svg, `<rect x="10" y="%.1f" width="3" height="14" fill="%s"/><text x="20" y="%.1f" fill="#8e8e8e" font-size="12" font-family="monospace">%s</text><text x="120" y="%.1f" fill="#ccccdc" font-size="12" font-family="monospace">%s</text>`,
			y-11, severityColor[fmt.Sprint(s)], y, at.(time.Time).Format("15:04:05.000"), y, html.EscapeString(line))
	}
	return rows
}

func drawHeatmap(svg *strings.Builder, frames data.Frames, w, h float64) int {
	if len(frames) == 0 || len(frames[0].Fields) < 3 {
		return 0
	}
	f := frames[0]
	buckets := f.Fields[1 : len(f.Fields)-1]
	top := 1.0
	for _, b := range buckets {
		for r := range b.Len() {
			v, _ := b.FloatAt(r)
			top = math.Max(top, v)
		}
	}
	plotTop, plotBottom := 34.0, h-22
	cellH := (plotBottom - plotTop) / float64(len(buckets))
	cellW := (w - 60) / float64(max(f.Fields[0].Len(), 1))
	drawn := 0
	for i, b := range buckets {
		y := plotBottom - float64(i+1)*cellH
		fmt.Fprintf(svg, `<text x="44" y="%.1f" fill="#8e8e8e" font-size="11" text-anchor="end">≤%s</text>`, y+cellH/2+4, b.Name)
		for r := range b.Len() {
			v, _ := b.FloatAt(r)
			if v == 0 {
				continue
			}
			drawn++
			end, _ := f.Fields[0].ConcreteAt(r)
			x := xOf(end.(time.Time), w) - cellW
			// Grafana's Oranges scheme, exponential scale (exponent 0.5).
			k := math.Sqrt(v / top)
			fmt.Fprintf(svg, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="rgb(%d,%d,%d)"/>`, x+0.5, y+0.5, cellW-1, cellH-1,
				int(60+195*k), int(30+110*k), int(10+20*k))
		}
	}
	for i := 0; i <= 3; i++ {
		at := renderFrom.Add(time.Duration(i) * renderTo.Sub(renderFrom) / 3)
		fmt.Fprintf(svg, `<text x="%.1f" y="%.1f" fill="#8e8e8e" font-size="11" text-anchor="middle">%s</text>`, xOf(at, w), h-6, at.Format("15:04"))
	}
	return drawn
}

func drawTable(svg *strings.Builder, frames data.Frames, w, h float64) int {
	if len(frames) == 0 || len(frames[0].Fields) < 2 {
		return 0
	}
	f := frames[0]
	key, val := f.Fields[0], f.Fields[len(f.Fields)-1]
	fmt.Fprintf(svg, `<text x="12" y="42" fill="#8e8e8e" font-size="12">%s</text><text x="%.1f" y="42" fill="#8e8e8e" font-size="12" text-anchor="end">%s</text>`,
		html.EscapeString(key.Name), w-14, html.EscapeString(val.Name))
	rows := min(key.Len(), int((h-52)/19))
	for r := range rows {
		k, _ := key.ConcreteAt(r)
		v, _ := val.FloatAt(r)
		y := 62 + float64(r)*19
		fmt.Fprintf(svg, `<text x="12" y="%.1f" fill="#ccccdc" font-size="12">%s</text><text x="%.1f" y="%.1f" fill="#ccccdc" font-size="12" text-anchor="end">%.0f</text>`,
			y, html.EscapeString(fmt.Sprint(k)), w-14, y, v)
	}
	return rows
}
