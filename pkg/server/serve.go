package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// ServeConfig is the standalone server's command line.
type ServeConfig struct {
	DataDir string
	Listen  string
	Token   string
	// Demo streams a generated incident into the server (see demo.go).
	Demo     bool
	DemoRate float64
}

// ParseServeFlags reads `gpx_triage serve` flags; the token may also come
// from TRIAGE_INGEST_TOKEN so it stays out of the process list.
func ParseServeFlags(args []string, stderr io.Writer) (ServeConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := ServeConfig{}
	fs.StringVar(&cfg.DataDir, "data", defaultStandaloneDir(), "data directory of the store")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:7280", "address of the HTTP API (ingest, search, indexes, /metrics)")
	fs.StringVar(&cfg.Token, "token", os.Getenv("TRIAGE_INGEST_TOKEN"), "bearer token required by the API (default $TRIAGE_INGEST_TOKEN); without one only loopback is served")
	fs.BoolVar(&cfg.Demo, "demo", false, "stream a generated incident into the server")
	fs.Float64Var(&cfg.DemoRate, "demo-rate", 200, "events per second of the demo stream")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q; all options are flags (see serve -h)", fs.Args())
	}
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("-data %q: %w", cfg.DataDir, err)
	}
	cfg.DataDir = abs
	if err := CheckToken(cfg.Token); err != nil {
		return cfg, fmt.Errorf("-token: %w", err)
	}
	if cfg.Demo && cfg.DemoRate <= 0 {
		return cfg, fmt.Errorf("-demo-rate must be positive, got %v", cfg.DemoRate)
	}
	return cfg, nil
}

func defaultStandaloneDir() string {
	if cache, err := os.UserCacheDir(); err == nil {
		return filepath.Join(cache, "triage", "standalone")
	}
	return filepath.Join(os.TempDir(), "triage", "standalone")
}

// Serve runs Triage as a standalone server until ctx ends: the store in
// cfg.DataDir behind the HTTP API. It prints where it listens and how to
// use it on stdout.
func Serve(ctx context.Context, cfg ServeConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	metrics := DefaultMetrics()
	eng, err := engine.Open(cfg.DataDir, engine.Options{OnWALSync: metrics.ObserveWALSync})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	l, err := Listen(cfg.Listen, cfg.Token, NewHandler(eng, Options{Token: cfg.Token, Logger: logger, Metrics: metrics}))
	if err != nil {
		return errors.Join(err, eng.Close())
	}
	if l.Warning != "" {
		logger.Warn(l.Warning)
	}
	printBanner(stdout, cfg, l.Addr)
	var demoDone chan error
	if cfg.Demo {
		demoDone = make(chan error, 1)
		go func() { demoDone <- runDemo(ctx, eng, "http://"+l.Addr, cfg, stderr) }()
	}
	select {
	case <-ctx.Done():
	case err = <-demoDone:
		if err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("demo stream stopped", "error", err)
		}
		<-ctx.Done()
	}
	logger.Info("shutting down: finishing requests in flight, then closing the store")
	closeErr := l.Close(10 * time.Second)
	return errors.Join(closeErr, eng.Close())
}

func printBanner(w io.Writer, cfg ServeConfig, addr string) {
	auth := ""
	if cfg.Token != "" {
		auth = ` -H "Authorization: Bearer $TRIAGE_INGEST_TOKEN"`
	}
	fmt.Fprintf(w, `Triage is listening on http://%[1]s (store: %[2]s)

Send logs (Quickwit NDJSON; Elasticsearch _bulk and Loki push work too):
  curl -XPOST%[3]s 'http://%[1]s/api/v1/logs/ingest?commit=wait_for' --data-binary @events.ndjson
Search:
  curl%[3]s 'http://%[1]s/api/v1/logs/search?query=severity:error&max_hits=10'
Indexes and metrics:
  curl%[3]s http://%[1]s/api/v1/indexes      curl http://%[1]s/metrics
Vector: point an http sink (framing newline_delimited) at http://%[1]s/api/v1/logs/ingest,
  or an elasticsearch sink at http://%[1]s/api/v1/_elastic (see examples/vector.toml).
Grafana: install the plugin and provision a Triage datasource; its own listener defaults to
  127.0.0.1:7280, so give it another ingestListen (or stop this server) on the same machine.
`, addr, cfg.DataDir, auth)
}
