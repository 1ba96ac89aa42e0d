// Command loadgen writes deterministic incident logs as NDJSON, or streams
// them live to an ingest URL at a fixed rate.
//
//	loadgen -n 1000000 -seed 1 [-start RFC3339] [-span 24h] > events.ndjson
//	loadgen -url http://127.0.0.1:7280/api/v1/logs/ingest -rate 2000 [-batch 1000] [-token T] [-gzip] [-duration 10m]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 0, "number of events (file mode default 1000000; live mode: stop after n events)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same events")
	start := fs.String("start", "", "first timestamp, RFC 3339 (file mode; default "+loadgen.DefaultStart.Format(time.RFC3339)+")")
	span := fs.Duration("span", 0, "time covered by the events (file mode; default 24h)")
	incidentService := fs.String("incident-service", loadgen.DefaultIncidentService, "service that degrades during the incident")
	incidentDuration := fs.Duration("incident-duration", 0, "incident length (default 20m, centred in the span)")
	url := fs.String("url", "", "stream live to this NDJSON ingest URL instead of writing to stdout")
	rate := fs.Float64("rate", 1000, "live mode: events per second")
	batch := fs.Int("batch", 1000, "live mode: events per request")
	token := fs.String("token", "", "live mode: bearer token")
	gz := fs.Bool("gzip", false, "live mode: gzip request bodies")
	duration := fs.Duration("duration", 0, "live mode: stop after this long")
	report := fs.Duration("report", 10*time.Second, "live mode: interval between summary lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; all options are flags (see -h)", fs.Args())
	}
	cfg := loadgen.Config{Seed: *seed, Count: *n, Span: *span,
		Incident: loadgen.Incident{Service: *incidentService, Duration: *incidentDuration}}
	if *start != "" {
		t, err := time.Parse(time.RFC3339Nano, *start)
		if err != nil {
			return fmt.Errorf("-start %q is not an RFC 3339 time like 2026-01-15T00:00:00Z", *start)
		}
		cfg.Start = t
	}

	if *url == "" {
		if err := cfg.Validate(); err != nil {
			return err
		}
		return writeFile(loadgen.New(cfg), cfg.Count, stdout)
	}

	// Live: timestamps are the wall clock; the incident sits in the middle
	// of the run (or of the first 24 h when only -n bounds it).
	now := time.Now().UTC()
	cfg.Start, cfg.Clock = now, time.Now
	cfg.Span = *duration
	if cfg.Span == 0 {
		cfg.Span = loadgen.DefaultSpan
	}
	cfg.Count = 0
	if err := cfg.Validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	gen := loadgen.New(cfg)
	inc := gen.Config().Incident
	fmt.Fprintf(stderr, "loadgen: streaming to %s at %.0f events/s; incident on %s from %s to %s\n",
		*url, *rate, inc.Service, inc.Start.Format(time.RFC3339), inc.End().Format(time.RFC3339))
	_, err := loadgen.Stream(ctx, gen, loadgen.StreamConfig{
		URL: *url, Rate: *rate, Batch: *batch, Token: *token, Gzip: *gz,
		Duration: *duration, Count: *n, Report: *report, Out: stderr,
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func writeFile(gen *loadgen.Generator, count int, stdout io.Writer) error {
	w := bufio.NewWriterSize(stdout, 1<<20)
	buf := make([]byte, 0, 1024)
	for range count {
		buf = gen.AppendNext(buf[:0])
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	return nil
}
