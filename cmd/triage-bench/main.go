// Command triage-bench measures the engine end to end on generated incident
// data, as BENCHMARKS.md reports it: ingest rate through the engine API,
// bytes on disk per event, peak RSS, and warm query latencies idle and
// under ingest. `mage bench` runs it; it is not part of `mage test`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

type config struct {
	events     int
	dir        string
	keep       bool
	writers    int
	batch      int
	queryRuns  int
	liveRate   float64
	liveMin    time.Duration
	httpEvents int
	queryOnly  bool
	settleMax  time.Duration
	cpuProfile string
	out        io.Writer
}

func main() {
	cfg := config{out: os.Stdout}
	flag.IntVar(&cfg.events, "events", 1_000_000, "events to generate and ingest")
	flag.StringVar(&cfg.dir, "dir", "", "data directory (default: a new temporary directory, removed afterwards)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the data directory")
	flag.IntVar(&cfg.writers, "writers", 2, "concurrent ingest callers")
	flag.IntVar(&cfg.batch, "batch", 1000, "events per Ingest call")
	flag.IntVar(&cfg.queryRuns, "query-runs", 15, "runs per query for the warm median")
	flag.Float64Var(&cfg.liveRate, "live-rate", 100_000, "events/s ingested while measuring queries under ingest (0 skips)")
	flag.DurationVar(&cfg.liveMin, "live-min", 10*time.Second, "least time the queries are timed under ingest")
	flag.IntVar(&cfg.httpEvents, "http-events", 1_000_000, "events ingested over HTTP (plain and gzip) and through the engine API for comparison (0 skips)")
	flag.DurationVar(&cfg.settleMax, "settle-max", 5*time.Minute, "longest wait, after reopening the store, for background work (WAL replay, merges) to finish before timing queries")
	flag.BoolVar(&cfg.queryOnly, "query-only", false, "skip ingest: time the queries over the store -dir already holds (from -keep with the same -events)")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write CPU profiles of the ingest and query phases to `prefix`-ingest.pprof and prefix-queries.pprof, and heap profiles beside them")
	flag.Parse()
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "triage-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	if cfg.dir == "" {
		dir, err := os.MkdirTemp("", "triage-bench-")
		if err != nil {
			return err
		}
		cfg.dir = dir
		if !cfg.keep {
			defer os.RemoveAll(dir)
		}
	}
	fmt.Fprintf(cfg.out, "# triage-bench: %d events, %d writers × %d-event batches, %s, %d CPUs, %s, source %s\n\n",
		cfg.events, cfg.writers, cfg.batch, runtime.Version(), runtime.NumCPU(), time.Now().UTC().Format(time.DateOnly), sourceRevision())
	var res ingestResult
	if cfg.queryOnly {
		res = storedResult(cfg.events)
	} else {
		stop, err := startCPUProfile(cfg.cpuProfile, "ingest")
		if err != nil {
			return err
		}
		res, err = measureIngest(ctx, cfg)
		if err := errors.Join(err, stop(), writeHeapProfile(cfg.cpuProfile, "ingest")); err != nil {
			return err
		}
		res.print(cfg.out)
	}
	stop, err := startCPUProfile(cfg.cpuProfile, "queries")
	if err != nil {
		return err
	}
	qr, err := measureQueries(ctx, cfg, res)
	if err := errors.Join(err, stop()); err != nil {
		return err
	}
	printQueries(cfg.out, qr)
	var hr *httpResult
	if cfg.httpEvents > 0 && !cfg.queryOnly {
		r, err := measureHTTP(ctx, cfg)
		if err != nil {
			return err
		}
		r.print(cfg.out)
		hr = &r
	}
	printTargets(cfg.out, res, qr, hr)
	return nil
}

// sourceRevision names the commit the binary was built from, and whether
// the tree had uncommitted changes (recorded by `go build -buildvcs=true`).
func sourceRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown (build with -buildvcs=true)", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " with uncommitted changes"
			}
		}
	}
	return rev + dirty
}
