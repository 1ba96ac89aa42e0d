package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// A heatmap as the Quickwit adapter sends it: ranges tiling the line inside
// a date_histogram, edges on the float just above each bound. Each cell
// counts exactly the values of its range, including values on the edges;
// ranges that do not tile the line are refused, saying what is supported.
func TestRangeInsideDateHistogram(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	var bulk strings.Builder
	// Minute 0: 10, 50 (on the bounds), 10.5, 70, 9000; minute 1: 1, 50.000001.
	for i, ev := range []struct {
		at string
		ms float64
	}{{"14:00:01", 10}, {"14:00:02", 50}, {"14:00:03", 10.5}, {"14:00:04", 70}, {"14:00:05", 9000}, {"14:01:01", 1}, {"14:01:02", 50.000001}} {
		fmt.Fprintf(&bulk, `{"create":{"_index":"logs","_id":"e%d"}}`+"\n"+`{"timestamp":"2026-01-15T%sZ","latency_ms":%v}`+"\n", i, ev.at, ev.ms)
	}
	if code, msg := send(t, "POST", srv.URL+"/api/v1/_elastic/_bulk?refresh=true", "", nil, []byte(bulk.String())); code != 200 {
		t.Fatalf("bulk: %d %s", code, msg)
	}
	search := func(ranges string) (int, string) {
		body := `{"size":0,"query":{"range":{"timestamp":{"gte":"2026-01-15T14:00:00Z","lt":"2026-01-15T14:02:00Z"}}},"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"},` +
			`"aggs":{"h":{"range":{"field":"latency_ms","ranges":` + ranges + `}}}}}}`
		return send(t, "POST", srv.URL+"/api/v1/_elastic/logs/_search", "", nil, []byte(body))
	}
	// (.., 10], (10, 50], (50, ..) as range buckets [from, to).
	tiled := `[{"to":10.000000000000002},{"from":10.000000000000002,"to":50.00000000000001},{"from":50.00000000000001}]`
	code, msg := search(tiled)
	if code != 200 {
		t.Fatalf("nested range: %d %s", code, msg)
	}
	var res struct {
		Aggregations struct {
			T struct {
				Buckets []struct {
					KeyAsString string `json:"key_as_string"`
					H           struct {
						Buckets []struct {
							Key      string  `json:"key"`
							From     float64 `json:"from"`
							DocCount int64   `json:"doc_count"`
						} `json:"buckets"`
					} `json:"h"`
				} `json:"buckets"`
			} `json:"t"`
		} `json:"aggregations"`
	}
	if err := json.Unmarshal([]byte(msg), &res); err != nil {
		t.Fatalf("answer %s: %v", msg, err)
	}
	var got []string
	for _, tb := range res.Aggregations.T.Buckets {
		var cells []string
		for _, hb := range tb.H.Buckets {
			cells = append(cells, fmt.Sprint(hb.DocCount))
		}
		got = append(got, strings.Join(cells, ","))
	}
	if want := []string{"1,2,2", "1,0,1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cells per minute %v, want %v (%s)", got, want, msg)
	}
	for _, tc := range []struct{ ranges, want string }{
		{`[{"from":0,"to":10},{"from":10}]`, "only when its ranges run from * to *"},
		{`[{"to":10},{"from":20}]`, "only when each range starts where the one before ends"},
	} {
		if code, msg := search(tc.ranges); code != 400 || !strings.Contains(msg, tc.want) {
			t.Errorf("ranges %s: %d %s, want 400 saying %q", tc.ranges, code, msg, tc.want)
		}
	}
}
