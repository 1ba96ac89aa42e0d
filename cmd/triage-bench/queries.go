package main

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// busyService is the service the per-service queries filter on: the
// incident's service, so its errors and latencies are not all quiet.
const busyService = loadgen.DefaultIncidentService

// window is a query time range.
type window struct {
	name       string
	start, end time.Time
}

// benchQuery is one of the measured queries (a)–(f).
type benchQuery struct {
	id, name string
	// target is the warm median the query must meet at 10M events.
	target time.Duration
	// live marks the queries also timed while ingest runs.
	live bool
	// run executes the query once and summarises the answer, so a query
	// that finds nothing is seen in the table rather than timed as fast.
	run func(ctx context.Context, eng *engine.Engine, w window) (string, error)
}

func search(q string) func(context.Context, *engine.Engine, window) (string, error) {
	return func(ctx context.Context, eng *engine.Engine, w window) (string, error) {
		res, err := eng.Search(ctx, engine.SearchRequest{Index: engine.DefaultIndexID, Query: q, Start: w.start, End: w.end, Limit: 100, Order: engine.Desc})
		if err != nil {
			return "", fmt.Errorf("search %q: %w", q, err)
		}
		return fmt.Sprintf("%d hits", len(res.Hits)), nil
	}
}

func aggregate(q string, agg engine.Agg) func(context.Context, *engine.Engine, window) (string, error) {
	return func(ctx context.Context, eng *engine.Engine, w window) (string, error) {
		res, err := eng.Aggregate(ctx, engine.AggRequest{Index: engine.DefaultIndexID, Query: q, Start: w.start, End: w.end, Aggs: []engine.Agg{agg}})
		if err != nil {
			return "", fmt.Errorf("aggregate %q: %w", q, err)
		}
		nonEmpty := 0
		for _, b := range res.Aggs[0].Buckets {
			if b.DocCount > 0 {
				nonEmpty++
			}
		}
		return fmt.Sprintf("%d events, %d non-empty buckets", res.DocCount, nonEmpty), nil
	}
}

// benchQueries are the queries of the brief, in its order.
func benchQueries() []benchQuery {
	return []benchQuery{
		{id: "a", name: "rare token `" + loadgen.IncidentException + "`, newest 100", target: 20 * time.Millisecond,
			run: search(loadgen.IncidentException)},
		{id: "b", name: "`severity:error AND service:" + busyService + "`, newest 100", target: 40 * time.Millisecond, live: true,
			run: search("severity:error AND service:" + busyService)},
		{id: "c", name: "errors per minute (date_histogram 1m, `severity:error`)", target: 80 * time.Millisecond, live: true,
			run: aggregate("severity:error", engine.Agg{Name: "per_minute", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute}})},
		{id: "d", name: "p99 latency_ms per minute of " + busyService, target: 250 * time.Millisecond, live: true,
			run: aggregate("service:"+busyService, engine.Agg{Name: "per_minute", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute},
				Subs: []engine.Agg{{Name: "p99", Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: "latency_ms", Percents: []float64{99}}}}})},
		{id: "e", name: "top 10 endpoints by error count", target: 140 * time.Millisecond,
			run: aggregate("severity:error", engine.Agg{Name: "endpoints", Terms: &engine.TermsAgg{Field: "endpoint", Size: 10}})},
		{id: "f", name: "count by status_code", target: 130 * time.Millisecond,
			run: aggregate("*", engine.Agg{Name: "status", Terms: &engine.TermsAgg{Field: "status_code", Size: 20}})},
	}
}

// queryTiming is what was measured for one query over one window.
type queryTiming struct {
	q      benchQuery
	w      window
	answer string
	idle   latencies
	live   latencies
}

// queryResult is the query phase's outcome.
type queryResult struct {
	timings []*queryTiming
	live    liveStats
	// settled is how long the reopened store took to go quiet.
	settled time.Duration
}

// windows are the 24 h span and the hour around the incident (where the
// rare token occurs).
func windows(res ingestResult) []window {
	mid := res.incident.Start.Add(res.incident.Duration / 2)
	return []window{
		{name: "24 h", start: res.span[0], end: res.span[1]},
		{name: "1 h", start: mid.Add(-30 * time.Minute), end: mid.Add(30 * time.Minute)},
	}
}

// measureQueries reopens the flushed store and times each query warm: one
// untimed run, then cfg.queryRuns timed ones. The live queries are then
// timed again, in rounds, while another goroutine ingests at cfg.liveRate,
// for at least cfg.liveMin and cfg.queryRuns rounds.
func measureQueries(ctx context.Context, cfg config, res ingestResult) (queryResult, error) {
	var out queryResult
	eng, err := engine.Open(cfg.dir, engine.Options{})
	if err != nil {
		return out, fmt.Errorf("reopen store: %w", err)
	}
	defer eng.Close()
	out.settled = settle(ctx, 2*time.Second, cfg.settleMax)
	for _, w := range windows(res) {
		for _, q := range benchQueries() {
			t := &queryTiming{q: q, w: w}
			if t.answer, err = q.run(ctx, eng, w); err != nil {
				return out, err
			}
			if t.idle, err = timeRuns(ctx, eng, q, w, cfg.queryRuns); err != nil {
				return out, err
			}
			out.timings = append(out.timings, t)
		}
	}
	if cfg.liveRate <= 0 {
		return out, nil
	}
	live := startLiveIngest(ctx, eng, cfg.liveRate, cfg.batch, cfg.writers)
	// Let ingest reach its pace (commit groups, a head growing) first.
	time.Sleep(time.Second)
	liveStart := time.Now()
	for done := false; !done; {
		done = time.Since(liveStart) >= cfg.liveMin
		for _, t := range out.timings {
			if !t.q.live {
				continue
			}
			more, err := timeRuns(ctx, eng, t.q, t.w, 1)
			if err != nil {
				live.stop()
				return out, err
			}
			t.live = append(t.live, more...)
			done = done && len(t.live) >= cfg.queryRuns
		}
	}
	out.live, err = live.stop()
	return out, err
}

func timeRuns(ctx context.Context, eng *engine.Engine, q benchQuery, w window, runs int) (latencies, error) {
	l := make(latencies, 0, runs)
	for range runs {
		start := time.Now()
		if _, err := q.run(ctx, eng, w); err != nil {
			return nil, err
		}
		l = append(l, time.Since(start))
	}
	return l, nil
}
