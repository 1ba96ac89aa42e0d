package conformance

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// page collects every hit of a query by following cursors.
func pageAll(t *testing.T, be backend.Backend, q string, from, to time.Time, size int, order engine.Order) []engine.Hit {
	t.Helper()
	var all []engine.Hit
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatal("paging does not end")
		}
		res, err := be.Search(context.Background(), backend.SearchRequest{Cursor: cursor, SearchRequest: engine.SearchRequest{
			Index: index, Query: q, Start: from, End: to, Limit: size, Order: order, Now: testNow}})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(res.Hits) > size {
			t.Fatalf("page %d has %d hits, more than %d", pages, len(res.Hits), size)
		}
		all = append(all, res.Hits...)
		if res.Cursor == "" {
			return all
		}
		cursor = res.Cursor
	}
}

// TestLogsPaging pages through matching events newest first and oldest
// first, in pages that end inside runs of equal timestamps: every event
// comes exactly once, in time order, as many as the reference counts.
func TestLogsPaging(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		from, to    time.Time
		size        int
	}{
		{"incident errors", "service:payment-service AND severity:error", dataFrom.Add(20 * time.Minute), dataFrom.Add(45 * time.Minute), 37},
		{"equal timestamps", "service:tie-service", dataFrom, dataTo, 7},
		{"a whole minute", "*", dataFrom.Add(30 * time.Minute), dataFrom.Add(31 * time.Minute), 50},
	} {
		for _, order := range []engine.Order{engine.Desc, engine.Asc} {
			t.Run(fmt.Sprintf("%s/order=%d", tc.name, order), func(t *testing.T) {
				want := len(pageAll(t, targets[0].be, tc.query, tc.from, tc.to, 1000, order))
				if want < 3*tc.size {
					t.Fatalf("the reference finds %d events; the scenario needs several pages", want)
				}
				for _, tg := range targets {
					hits := pageAll(t, tg.be, tc.query, tc.from, tc.to, tc.size, order)
					seen := map[string]bool{}
					for i, h := range hits {
						id, _ := h.Event.Get("trace_id")
						if seen[id.Text()] {
							t.Fatalf("%s: event %s comes twice", tg.name, id.Text())
						}
						seen[id.Text()] = true
						if i > 0 && outOfOrder(hits[i-1].Event.Timestamp, h.Event.Timestamp, order, tg.secondPrecision) {
							t.Fatalf("%s: hit %d (%d) is out of order after %d", tg.name, i, h.Event.Timestamp, hits[i-1].Event.Timestamp)
						}
					}
					if len(seen) != want {
						t.Errorf("%s: paged %d events, the reference counts %d", tg.name, len(seen), want)
					}
				}
			})
		}
	}
}

func outOfOrder(prev, cur int64, order engine.Order, seconds bool) bool {
	if seconds {
		prev, cur = prev/int64(time.Second), cur/int64(time.Second)
	}
	if order == engine.Desc {
		return cur > prev
	}
	return cur < prev
}

// TestContextWindow: "logs around this line" opens the ten minutes around
// a hit with the query `*`; every backend finds the same events there.
func TestContextWindow(t *testing.T) {
	ctx := context.Background()
	res, err := targets[0].be.Search(ctx, backend.SearchRequest{SearchRequest: engine.SearchRequest{
		Index: index, Query: "message:PaymentGatewayTimeoutException", Start: dataFrom, End: dataTo, Limit: 1, Now: testNow}})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("find an incident line: %v (%d hits)", err, len(res.Hits))
	}
	// The link's window is the hit's time ± 5 minutes, at milliseconds.
	at := time.Unix(0, res.Hits[0].Event.Timestamp).Truncate(time.Second)
	from, to := at.Add(-5*time.Minute), at.Add(5*time.Minute)
	want := ids(pageAll(t, targets[0].be, "*", from, to, 1000, engine.Desc))
	for _, tg := range targets[1:] {
		got := ids(pageAll(t, tg.be, "*", from, to, 1000, engine.Desc))
		if d := diff(want, got, nil); len(d) > 0 {
			t.Errorf("%s: the context window differs:%s", tg.name, joinLines(d))
		}
	}
}

func ids(hits []engine.Hit) cells {
	out := cells{}
	for _, h := range hits {
		id, _ := h.Event.Get("trace_id")
		out[id.Text()] = float64(h.Event.Timestamp / int64(time.Second))
	}
	return out
}

// TestLogsVolume: events per minute and per level, as Explore's logs
// volume asks (a date histogram with a terms of the level field).
func TestLogsVolume(t *testing.T) {
	ctx := context.Background()
	aggs := []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute},
		Subs: []engine.Agg{{Name: "l", Terms: &engine.TermsAgg{Field: "severity", Size: 50}}}}}
	r := request{text: "service:payment-service", from: dataFrom, to: dataTo}
	want, err := flatten(r.aggregate(ctx, targets[0].be, aggs))
	if err != nil {
		t.Fatal(err)
	}
	forEach(t, func(t *testing.T, _, tg *target) {
		got, err := flatten(r.aggregate(ctx, tg.be, aggs))
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got, nil); len(d) > 0 {
			t.Errorf("logs volume differs:%s", joinLines(d))
		}
	})
}

// TestHeatmapCellRescope: a heatmap cell's link scopes the dashboard to its
// minute and latency bucket; the rescoped query must count exactly the
// cell, on every backend, for the busiest cells.
func TestHeatmapCellRescope(t *testing.T) {
	ctx := context.Background()
	bounds := []float64{10, 50, 100, 250, 500, 1000, 2500, 5000}
	aggs := []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute},
		Subs: []engine.Agg{{Name: "h", Histogram: &engine.HistogramAgg{Field: "latency_ms", Bounds: bounds}}}}}
	type cell struct {
		start time.Time
		lo    string
		hi    string
		count int64
	}
	for _, tg := range targets {
		res, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "service:payment-service", Start: dataFrom, End: dataTo, Aggs: aggs, Now: testNow})
		if err != nil {
			t.Fatalf("%s: %v", tg.name, err)
		}
		var cs []cell
		for _, tb := range res.Aggs[0].Buckets {
			for j, hb := range tb.Aggs[0].Buckets {
				c := cell{start: time.UnixMilli(int64(tb.KeyNum)).UTC(), lo: "*", hi: "*", count: hb.DocCount}
				if j > 0 {
					c.lo = fmt.Sprint(bounds[j-1])
				}
				if j < len(bounds) {
					c.hi = fmt.Sprint(bounds[j])
				}
				cs = append(cs, c)
			}
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].count > cs[j].count })
		for _, c := range cs[:5] {
			q := fmt.Sprintf("service:payment-service AND latency_ms:{%s TO %s]", c.lo, c.hi)
			if c.hi == "*" {
				q = fmt.Sprintf("service:payment-service AND latency_ms:>%s", c.lo)
			}
			got, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: q, Start: c.start, End: c.start.Add(time.Minute), Now: testNow})
			if err != nil {
				t.Fatalf("%s: rescope %q: %v", tg.name, q, err)
			}
			if got.DocCount != c.count {
				t.Errorf("%s: the cell %s (%s, %s] holds %d, the rescoped query %q counts %d", tg.name, c.start.Format(time.TimeOnly), c.lo, c.hi, c.count, q, got.DocCount)
			}
		}
	}
}
