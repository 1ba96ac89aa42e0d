package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/test/harness"
)

// dashboardPanels are an incident dashboard's four panels, as the frontend
// sends them: error rate per service, the newest errors, a latency heatmap
// and the top failing endpoints.
var dashboardPanels = []string{
	`{"queryType":"timeseries","query":"severity:error","metrics":[{"type":"count"}],"groupBy":[{"field":"service","size":10}],"interval":"1m"}`,
	`{"queryType":"logs","query":"severity:error","limit":100}`,
	`{"queryType":"heatmap","query":"*","heatmap":{"field":"latency_ms","buckets":[10,50,100,250,500,1000,2500]}}`,
	`{"queryType":"table","query":"severity:error","metrics":[{"type":"count"}],"groupBy":[{"field":"endpoint","size":10}]}`,
}

// BenchmarkQueryDataDashboard times the dashboard's four panel queries sent
// together in one QueryData call to the built plugin, over the generator's
// 24 hours: idle, then while the plugin's ingest listener takes
// TRIAGE_BENCH_LIVE_RATE events/s (default 100,000) of new events. The store
// is TRIAGE_BENCH_STORE (a flushed store, e.g. kept by `triage-bench -keep
// -dir`; the live phase adds events to it) or one of TRIAGE_BENCH_EVENTS
// events (default 1,000,000) built here. Run with a fixed count, e.g.
// -benchtime 30x; p50-ms and p99-ms are per dashboard refresh.
func BenchmarkQueryDataDashboard(b *testing.B) {
	store := benchStore(b)
	p := harness.Start(b, harness.Options{})
	// Retention far beyond the generated day, which lies in the past.
	ds := p.Datasource(b, map[string]any{"dataDir": store, "retention": "520w", "ingestListen": "127.0.0.1:0"}, nil)
	var details struct {
		IngestBound string `json:"ingestBound"`
	}
	if err := json.Unmarshal(ds.Health(b).JsonDetails, &details); err != nil || details.IngestBound == "" {
		b.Fatalf("health details name no ingest listener (%v)", err)
	}
	from := loadgen.DefaultStart
	queries := make([]harness.Query, len(dashboardPanels))
	for i, q := range dashboardPanels {
		queries[i] = harness.Query{RefID: string(rune('A' + i)), JSON: q, From: from, To: from.Add(loadgen.DefaultSpan),
			MaxDataPoints: 1440, Interval: time.Minute}
	}
	refresh := func(b *testing.B) {
		res, err := ds.QueryErr(queries...)
		if err != nil {
			b.Fatalf("QueryData: %v", err)
		}
		for _, q := range queries {
			r, ok := res[q.RefID]
			if !ok || r.Error != "" || len(r.Frames) == 0 {
				b.Fatalf("panel %s (%s): no frames (status %d, error %q)", q.RefID, q.JSON, r.Status, r.Error)
			}
		}
	}
	// The plugin may merge splits after opening the store: time it at rest.
	waitChildrenQuiet(b, 2*time.Second, 5*time.Minute)
	b.Run("idle", func(b *testing.B) { timeRefreshes(b, refresh) })
	// Each panel alone, to name the one that dominates a refresh.
	for i, q := range queries {
		var model struct {
			QueryType string `json:"queryType"`
		}
		if err := json.Unmarshal([]byte(q.JSON), &model); err != nil {
			b.Fatal(err)
		}
		b.Run("panel="+model.QueryType, func(b *testing.B) {
			timeRefreshes(b, func(b *testing.B) {
				res, err := ds.QueryErr(queries[i])
				if err != nil || res[q.RefID].Error != "" || len(res[q.RefID].Frames) == 0 {
					b.Fatalf("panel %s: %v %q", q.RefID, err, res[q.RefID].Error)
				}
			})
		})
	}
	b.Run("ingest", func(b *testing.B) {
		rate := envInt(b, "TRIAGE_BENCH_LIVE_RATE", 100_000)
		stop := streamLive(b, "http://"+details.IngestBound+"/api/v1/"+engine.DefaultIndexID+"/ingest", float64(rate))
		time.Sleep(time.Second) // let ingest reach its pace
		timeRefreshes(b, refresh)
		b.ReportMetric(stop(), "ingest-ev/s")
	})
}

// timeRefreshes runs refresh b.N times (after one untimed warm run) and
// reports the median and p99 latency of a refresh.
func timeRefreshes(b *testing.B, refresh func(*testing.B)) {
	refresh(b)
	var runs []time.Duration
	for b.Loop() {
		start := time.Now()
		refresh(b)
		runs = append(runs, time.Since(start))
	}
	slices.Sort(runs)
	rank := func(q float64) time.Duration {
		return runs[min(len(runs)-1, max(0, int(q*float64(len(runs))+0.999999)-1))]
	}
	b.ReportMetric(float64(rank(0.5))/1e6, "p50-ms")
	b.ReportMetric(float64(rank(0.99))/1e6, "p99-ms")
}

// streamLive posts new events stamped with the current time to url from
// two clients at rate events/s in all; the returned stop ends them and
// gives the rate achieved.
func streamLive(b *testing.B, url string, rate float64) func() float64 {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var events int64
	var streamErr error
	start := time.Now()
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen := loadgen.New(loadgen.Config{Seed: uint64(10 + i), Count: 1_000_000_000, Clock: time.Now})
			st, err := loadgen.Stream(ctx, gen, loadgen.StreamConfig{URL: url, Rate: rate / 2, Batch: 1000, Duration: time.Hour})
			mu.Lock()
			defer mu.Unlock()
			events += st.Events
			// Stopping cuts a request short; only an error before that counts.
			if err != nil && ctx.Err() == nil {
				streamErr = errors.Join(streamErr, err)
			}
		}()
	}
	return func() float64 {
		cancel()
		wg.Wait()
		if streamErr != nil {
			b.Fatalf("live ingest: %v", streamErr)
		}
		return float64(events) / time.Since(start).Seconds()
	}
}

// waitChildrenQuiet waits until this process' children (the plugin) have
// used under a tenth of a core for a whole interval, or until maxWait.
func waitChildrenQuiet(b *testing.B, interval, maxWait time.Duration) {
	start := time.Now()
	for time.Since(start) < maxWait {
		before, t0 := childrenCPUTicks(), time.Now()
		time.Sleep(interval)
		used := float64(childrenCPUTicks()-before) / 100 // USER_HZ
		if used < time.Since(t0).Seconds()/10 {
			b.Logf("plugin quiet after %.1f s", time.Since(start).Seconds())
			return
		}
	}
	b.Logf("plugin still busy after %v; timing anyway", maxWait)
}

// childrenCPUTicks sums user and system clock ticks of the running
// children of this process, from /proc/<pid>/stat.
func childrenCPUTicks() int64 {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var total int64
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// Fields after the command, which is in parentheses and may hold spaces.
		i := bytes.LastIndexByte(raw, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(raw[i+1:]))
		if len(f) < 13 || f[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		total += utime + stime
	}
	return total
}

// benchStore returns TRIAGE_BENCH_STORE, or builds and flushes a store of
// TRIAGE_BENCH_EVENTS generated events. The engine is closed before the
// plugin opens the store: it is locked while open.
func benchStore(b *testing.B) string {
	if dir := os.Getenv("TRIAGE_BENCH_STORE"); dir != "" {
		return dir
	}
	n := envInt(b, "TRIAGE_BENCH_EVENTS", 1_000_000)
	dir := b.TempDir()
	eng, err := engine.Open(dir, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	gen := loadgen.New(loadgen.Config{Seed: 1, Count: n})
	for left := n; left > 0; {
		batch := make([][]byte, min(1000, left))
		for i := range batch {
			batch[i] = gen.AppendNext(nil)
		}
		left -= len(batch)
		for {
			_, err := eng.Ingest(context.Background(), engine.DefaultIndexID, batch, engine.IngestOptions{})
			if errors.Is(err, engine.ErrOverloaded) {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			break
		}
	}
	if err := errors.Join(eng.Flush(engine.DefaultIndexID), eng.Close()); err != nil {
		b.Fatal(err)
	}
	return dir
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: use a positive whole number", name, v)
	}
	return n
}
