// Command triage-bench measures the engine end to end on generated incident
// data, as BENCHMARKS.md reports it: ingest rate through the engine API,
// bytes on disk per event, peak RSS, and warm query latencies idle and
// under ingest. `mage bench` runs it; it is not part of `mage test`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
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
	fmt.Fprintf(cfg.out, "# triage-bench: %d events, %d writers × %d-event batches, %s, %d CPUs, %s\n\n",
		cfg.events, cfg.writers, cfg.batch, runtime.Version(), runtime.NumCPU(), time.Now().UTC().Format(time.DateOnly))
	res, err := measureIngest(ctx, cfg)
	if err != nil {
		return err
	}
	res.print(cfg.out)
	qr, err := measureQueries(ctx, cfg, res)
	if err != nil {
		return err
	}
	printQueries(cfg.out, qr)
	var hr *httpResult
	if cfg.httpEvents > 0 {
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
