// Command triage-bench measures Triage on generated incident data, as
// BENCHMARKS.md reports it. `compare` runs VictoriaLogs and `gpx_triage
// serve` side by side through their HTTP APIs (ingest rate and CPU, memory,
// disk, queries idle and under ingest, and whether both answer alike);
// `engine` measures the engine API in process. `mage bench` runs both; it
// is not part of `mage test`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	if len(os.Args) < 2 || (os.Args[1] != "compare" && os.Args[1] != "engine") {
		fmt.Fprintln(os.Stderr, `usage: triage-bench compare [flags]   VictoriaLogs and gpx_triage serve side by side over HTTP
       triage-bench engine [flags]    the engine API in process (ingest, disk, queries, HTTP vs engine)
Run either with -h for its flags.`)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compare":
		err = runCompare(context.Background(), parseCompareFlags(os.Args[2:]))
	case "engine":
		err = run(context.Background(), parseEngineFlags(os.Args[2:]))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "triage-bench:", err)
		os.Exit(1)
	}
}

func parseCompareFlags(args []string) compareConfig {
	cfg := compareConfig{out: os.Stdout}
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	quick := fs.Bool("quick", false, "smoke run for CI: 100,000 events, 3 query runs, 3 s under ingest (figures mean nothing)")
	fs.IntVar(&cfg.events, "events", 10_000_000, "events generated and sent to each system (10M for the record, 1M for a quick check)")
	fs.IntVar(&cfg.streams, "streams", 2, "parallel ingest clients")
	fs.IntVar(&cfg.bodyBytes, "body-bytes", 8_000_000, "largest request body (NDJSON) a client sends")
	fs.IntVar(&cfg.queryRuns, "query-runs", 15, "timed runs per query and system, interleaved")
	fs.Float64Var(&cfg.liveRate, "live-rate", 50_000, "events/s asked while queries are timed under ingest (0 skips)")
	fs.DurationVar(&cfg.liveMin, "live-min", 20*time.Second, "least time queries are timed under ingest, per system")
	fs.DurationVar(&cfg.settleMax, "settle-max", 10*time.Minute, "longest wait for a server's background work (merges) to end before disk and queries are measured")
	fs.StringVar(&cfg.triageBin, "triage-bin", defaultTriageBin(), "gpx_triage executable, run as `gpx_triage serve` (default $PLUGIN_BINARY, else dist/gpx_triage_<os>_<arch>)")
	fs.StringVar(&cfg.dir, "dir", "", "working directory for both stores (default: a temporary directory)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the working directory")
	fs.StringVar(&cfg.profile, "triage-pprof", "", "run serve with -pprof and save its CPU profiles of ingest and idle queries to `prefix`-ingest.pprof and prefix-queries.pprof, and its heap after ingest to prefix-ingest-heap.pprof")
	fs.IntVar(&cfg.profileSeconds, "triage-pprof-seconds", 20, "length of each CPU profile of -triage-pprof")
	_ = fs.Parse(args)
	if *quick {
		cfg.events, cfg.queryRuns, cfg.liveMin = 100_000, 3, 3*time.Second
	}
	return cfg
}

// defaultTriageBin is $PLUGIN_BINARY or the backend `mage build` makes.
func defaultTriageBin() string {
	if p := os.Getenv("PLUGIN_BINARY"); p != "" {
		return p
	}
	return filepath.Join("dist", "gpx_triage_"+runtime.GOOS+"_"+runtime.GOARCH)
}

func parseEngineFlags(args []string) config {
	cfg := config{out: os.Stdout}
	fs := flag.NewFlagSet("engine", flag.ExitOnError)
	fs.IntVar(&cfg.events, "events", 1_000_000, "events to generate and ingest")
	fs.StringVar(&cfg.dir, "dir", "", "data directory (default: a new temporary directory, removed afterwards)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the data directory")
	fs.IntVar(&cfg.writers, "writers", 2, "concurrent ingest callers")
	fs.IntVar(&cfg.batch, "batch", 1000, "events per Ingest call")
	fs.IntVar(&cfg.queryRuns, "query-runs", 15, "runs per query for the warm median")
	fs.Float64Var(&cfg.liveRate, "live-rate", 100_000, "events/s ingested while measuring queries under ingest (0 skips)")
	fs.DurationVar(&cfg.liveMin, "live-min", 10*time.Second, "least time the queries are timed under ingest")
	fs.IntVar(&cfg.httpEvents, "http-events", 1_000_000, "events ingested over HTTP (plain and gzip) and through the engine API for comparison (0 skips)")
	fs.DurationVar(&cfg.settleMax, "settle-max", 5*time.Minute, "longest wait, after reopening the store, for background work (WAL replay, merges) to finish before timing queries")
	fs.BoolVar(&cfg.queryOnly, "query-only", false, "skip ingest: time the queries over the store -dir already holds (from -keep with the same -events)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write CPU profiles of the ingest, query and HTTP phases to `prefix`-ingest.pprof, prefix-queries.pprof and prefix-http.pprof, and heap profiles beside them")
	_ = fs.Parse(args)
	return cfg
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
		stop, err := startCPUProfile(cfg.cpuProfile, "http")
		if err != nil {
			return err
		}
		r, err := measureHTTP(ctx, cfg)
		if err := errors.Join(err, stop()); err != nil {
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
