package engine

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/agg"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/internal/fixture"
	"github.com/triage-logs/triage/pkg/query"
)

// TestAggregateMatchesBruteForce compares nested aggregations over random
// queries and ranges with counts computed event by event: bucket counts,
// terms order, other and missing exactly, stats to rounding, percentiles
// exactly (their buckets hold under 10,000 values).
func TestAggregateMatchesBruteForce(t *testing.T) {
	e, events := loadgenEngine(t, 11, 30_000, 3, 2_500)
	g := &queryGen{rnd: rand.New(rand.NewPCG(3, 4)), events: events}
	snap, _ := e.Snapshot("logs")
	defer snap.Release()
	ix, _ := e.lookup("logs")
	schema := newIndexSchema(ix.mapper.Load(), snap)
	bounds := []float64{10, 50, 100, 250, 1000}
	for i := 0; i < 60; i++ {
		node := g.node(1)
		if i%5 == 0 {
			node = query.MatchAll{}
		}
		text := query.Print(node)
		a, b := g.Pick().Timestamp, g.Pick().Timestamp
		start, end := time.Unix(0, min(a, b)), time.Unix(0, max(a, b)+1)
		if i%7 == 0 {
			start, end = time.Unix(0, events[0].Timestamp).Add(-time.Hour), time.Unix(0, events[len(events)-1].Timestamp).Add(time.Hour)
		}
		interval := time.Duration(1+g.rnd.IntN(120)) * time.Minute
		req := AggRequest{Index: "logs", Query: text, Start: start, End: end, Aggs: []Agg{
			{Name: "over_time", DateHistogram: &DateHistogramAgg{Interval: interval}, Subs: []Agg{
				{Name: "sev", Terms: &TermsAgg{Field: "severity", Size: 2}},
			}},
			{Name: "by_service", Terms: &TermsAgg{Field: "service", Size: 5}, Subs: []Agg{
				{Name: "p99", Metric: &MetricAgg{Kind: MetricPercentiles, Field: "latency_ms", Percents: []float64{50, 99}}},
				{Name: "lat", Metric: &MetricAgg{Kind: MetricStats, Field: "latency_ms"}},
			}},
			{Name: "heat", Histogram: &HistogramAgg{Field: "latency_ms", Bounds: bounds}},
			{Name: "codes", Histogram: &HistogramAgg{Field: "status_code", Interval: 100}},
			{Name: "top_codes", Terms: &TermsAgg{Field: "status_code", Size: 3}},
			{Name: "top_endpoints", Terms: &TermsAgg{Field: "endpoint", Size: 4}},
			{Name: "nested", Terms: &TermsAgg{Field: "service", Size: 3}, Subs: []Agg{
				{Name: "ep", Terms: &TermsAgg{Field: "endpoint", Size: 2}, Subs: []Agg{
					{Name: "c", Metric: &MetricAgg{Kind: MetricCount}}}}}},
			// Thousands of user ids: more keys than one pass may expand, so
			// this terms runs as a counting pass and then a top-keys pass.
			{Name: "users", Terms: &TermsAgg{Field: "user_id", Size: 3}, Subs: []Agg{
				{Name: "s", Metric: &MetricAgg{Kind: MetricSum, Field: "status_code"}}}},
		}}
		res, err := e.Aggregate(context.Background(), req)
		if err != nil {
			t.Fatalf("query %q: %v", text, err)
		}
		f, err := query.Resolve(node, schema, start)
		if err != nil {
			t.Fatal(err)
		}
		var match []*event.Event
		for j := range events {
			ev := &events[j]
			if ev.Timestamp >= start.UnixNano() && ev.Timestamp < end.UnixNano() && bruteMatch(f, ev) {
				match = append(match, ev)
			}
		}
		if res.DocCount != int64(len(match)) {
			t.Fatalf("query %q: doc count %d, brute force %d", text, res.DocCount, len(match))
		}
		checkDateHistogram(t, text, res.Aggs[0], match, start, end, interval)
		checkServiceTerms(t, text, res.Aggs[1], match)
		codeTerms, epTerms := map[string]int64{}, map[string]int64{}
		for _, ev := range match {
			c, _ := ev.Get("status_code")
			codeTerms[c.Text()]++
			ep, _ := ev.Get("endpoint")
			epTerms[ep.Str]++
		}
		checkTerms(t, text, res.Aggs[4], codeTerms, 3, 0)
		perService := map[string]map[string]int64{}
		for _, ev := range match {
			sv, _ := ev.Get("service")
			ep, _ := ev.Get("endpoint")
			if perService[sv.Str] == nil {
				perService[sv.Str] = map[string]int64{}
			}
			perService[sv.Str][ep.Str]++
		}
		users, userSums := map[string]int64{}, map[string]float64{}
		for _, ev := range match {
			u, _ := ev.Get("user_id")
			c, _ := ev.Get("status_code")
			users[u.Str]++
			userSums[u.Str] += float64(c.Int())
		}
		checkTerms(t, text, res.Aggs[7], users, 3, 0)
		for _, b := range res.Aggs[7].Buckets {
			if got := b.Aggs[0].Metric.Sum; got != userSums[b.Key] {
				t.Fatalf("query %q: user %s status sum %v, want %v", text, b.Key, got, userSums[b.Key])
			}
		}
		svcCounts := map[string]int64{}
		for sv, eps := range perService {
			for _, n := range eps {
				svcCounts[sv] += n
			}
		}
		checkTerms(t, text, res.Aggs[6], svcCounts, 3, 0)
		for _, b := range res.Aggs[6].Buckets {
			checkTerms(t, text, b.Aggs[0], perService[b.Key], 2, 0)
			for _, e := range b.Aggs[0].Buckets {
				if e.Aggs[0].Metric.Count != e.DocCount {
					t.Fatalf("query %q: count metric %d in a bucket of %d", text, e.Aggs[0].Metric.Count, e.DocCount)
				}
			}
		}
		checkTerms(t, text, res.Aggs[5], epTerms, 4, 0)
		heat := make([]int64, len(bounds)+1)
		codes := map[float64]int64{}
		for _, ev := range match {
			v, _ := ev.Get("latency_ms")
			heat[sort.SearchFloat64s(bounds, v.Float())]++
			c, _ := ev.Get("status_code")
			codes[float64(c.Int()/100*100)]++
		}
		for k, b := range res.Aggs[2].Buckets {
			if b.DocCount != heat[k] {
				t.Fatalf("query %q: heat bucket %d has %d, brute force %d", text, k, b.DocCount, heat[k])
			}
		}
		var sum int64
		for _, b := range res.Aggs[3].Buckets {
			if b.DocCount != codes[b.KeyNum] {
				t.Fatalf("query %q: status bucket %v has %d, brute force %d", text, b.KeyNum, b.DocCount, codes[b.KeyNum])
			}
			sum += b.DocCount
		}
		if sum != int64(len(match)) {
			t.Fatalf("query %q: status buckets hold %d of %d", text, sum, len(match))
		}
	}
}

func checkDateHistogram(t *testing.T, text string, got AggValue, match []*event.Event, start, end time.Time, iv time.Duration) {
	t.Helper()
	// Buckets align to the Unix epoch (time.Truncate aligns to year 1).
	origin := time.Unix(0, start.UnixNano()/int64(iv)*int64(iv))
	n := int((end.Sub(origin) + iv - 1) / iv)
	if len(got.Buckets) != n {
		t.Fatalf("query %q: %d date buckets over [%v, %v) at %v, want %d", text, len(got.Buckets), start, end, iv, n)
	}
	counts := make([]int64, n)
	sev := make([]map[string]int64, n)
	for _, ev := range match {
		k := int(time.Unix(0, ev.Timestamp).Sub(origin) / iv)
		counts[k]++
		if sev[k] == nil {
			sev[k] = map[string]int64{}
		}
		v, _ := ev.Get("severity")
		sev[k][v.Str]++
	}
	for k, b := range got.Buckets {
		if b.DocCount != counts[k] || b.KeyNum != float64(origin.Add(time.Duration(k)*iv).UnixMilli()) {
			t.Fatalf("query %q: date bucket %d (%s) count %d, brute force %d", text, k, b.Key, b.DocCount, counts[k])
		}
		checkTerms(t, text, b.Aggs[0], sev[k], 2, 0)
	}
}

// checkTerms compares a terms result with exact counts: top size by count
// then key, the rest summed in Other.
func checkTerms(t *testing.T, text string, got AggValue, counts map[string]int64, size int, missing int64) {
	t.Helper()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return int(counts[b] - counts[a])
		}
		if a < b {
			return -1
		}
		return 1
	})
	var other int64
	for i, k := range keys {
		if i >= size {
			other += counts[k]
			continue
		}
		if i >= len(got.Buckets) || got.Buckets[i].Key != k || got.Buckets[i].DocCount != counts[k] {
			t.Fatalf("query %q: terms bucket %d = %+v, want %s:%d", text, i, got.Buckets, k, counts[k])
		}
	}
	if len(got.Buckets) != min(size, len(keys)) || got.Other != other || got.Missing != missing {
		t.Fatalf("query %q: %d buckets, other %d, missing %d; want %d, %d, %d", text, len(got.Buckets), got.Other, got.Missing, min(size, len(keys)), other, missing)
	}
}

func checkServiceTerms(t *testing.T, text string, got AggValue, match []*event.Event) {
	t.Helper()
	counts := map[string]int64{}
	lat := map[string][]float64{}
	for _, ev := range match {
		s, _ := ev.Get("service")
		l, _ := ev.Get("latency_ms")
		counts[s.Str]++
		lat[s.Str] = append(lat[s.Str], l.Float())
	}
	checkTerms(t, text, got, counts, 5, 0)
	for _, b := range got.Buckets {
		vals := lat[b.Key]
		sort.Float64s(vals)
		for _, p := range b.Aggs[0].Metric.Percentiles {
			want := fixture.NearestRankPercentile(vals, p.Percent/100)
			if len(vals) > agg.ExactPercentileValues {
				if math.Abs(p.Value-want) > agg.PercentileAccuracy*math.Abs(want) {
					t.Fatalf("query %q: %s p%v = %v, more than %v from the exact %v", text, b.Key, p.Percent, p.Value, agg.PercentileAccuracy, want)
				}
			} else if p.Value != want {
				t.Fatalf("query %q: %s p%v = %v, the exact nearest-rank value is %v", text, b.Key, p.Percent, p.Value, want)
			}
		}
		st := b.Aggs[1].Metric
		var sum float64
		for _, v := range vals {
			sum += v
		}
		if st.Count != int64(len(vals)) || st.Min != vals[0] || st.Max != vals[len(vals)-1] || math.Abs(st.Sum-sum) > 1e-6*math.Abs(sum) {
			t.Fatalf("query %q: %s stats %+v, want count %d min %v max %v sum %v", text, b.Key, st, len(vals), vals[0], vals[len(vals)-1], sum)
		}
	}
}
