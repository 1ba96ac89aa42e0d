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
	"github.com/triage-logs/triage/pkg/ingest"
	"github.com/triage-logs/triage/pkg/query"
)

// ServeConfig is the standalone server's command line.
type ServeConfig struct {
	DataDir string
	Listen  string
	Token   string
	// Limits bound each query; ListenLimits each client; MaxBodyBytes and
	// MaxBodyLines each request body.
	Limits       engine.QueryLimits
	ListenLimits ListenLimits
	MaxBodyBytes int64
	MaxBodyLines int
	// Demo streams a generated incident into the server (see demo.go).
	Demo     bool
	DemoRate float64
	// Reset, with Demo, deletes the demo's index first (demo.go).
	Reset bool
	// Profiling serves /debug/pprof/ on the API (profiling.go).
	Profiling bool
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
	fs.IntVar(&cfg.Limits.MaxQueryBytes, "max-query-bytes", query.DefaultMaxQueryBytes, "longest query text accepted, in bytes")
	fs.IntVar(&cfg.Limits.MaxClauses, "max-query-clauses", query.DefaultMaxClauses, "most clauses (terms, phrases, ranges, set values) in one query")
	fs.DurationVar(&cfg.Limits.Timeout, "query-timeout", engine.DefaultQueryTimeout, "longest a search or aggregation may run")
	fs.Int64Var(&cfg.Limits.MaxMemoryBytes, "query-memory-bytes", engine.DefaultQueryMemoryBytes, "most memory one query may build (hits, buckets, distinct terms)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", ingest.DefaultMaxBodyBytes, "largest request body, compressed and decompressed")
	fs.IntVar(&cfg.MaxBodyLines, "max-body-lines", ingest.DefaultMaxBodyLines, "most lines (documents) in one NDJSON or bulk body")
	fs.DurationVar(&cfg.ListenLimits.ReadTimeout, "read-timeout", DefaultReadTimeout, "longest a client may take to send a request body")
	fs.IntVar(&cfg.ListenLimits.MaxConnections, "max-connections", DefaultMaxConnections, "most open client connections; more wait to be accepted")
	fs.BoolVar(&cfg.Demo, "demo", false, "stream a generated incident into the server")
	fs.Float64Var(&cfg.DemoRate, "demo-rate", 200, "events per second of the demo stream")
	fs.BoolVar(&cfg.Reset, "reset", false, "with -demo: delete the demo's index (logs) and start the demo clean; without it a second run continues the demo")
	fs.BoolVar(&cfg.Profiling, "pprof", false, "serve Go's CPU, heap and goroutine profiles under /debug/pprof/ (behind the token)")
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
	for _, name := range limitFlags {
		if !positive(fs.Lookup(name).Value.(flag.Getter).Get()) {
			return cfg, fmt.Errorf("-%s must be positive (leave it out for the default)", name)
		}
	}
	if cfg.Reset && !cfg.Demo {
		return cfg, errors.New("-reset deletes the demo's index and needs -demo")
	}
	if cfg.Demo && cfg.DemoRate <= 0 {
		return cfg, fmt.Errorf("-demo-rate must be positive, got %v", cfg.DemoRate)
	}
	return cfg, nil
}

// limitFlags name the flags of limits, which must be positive.
var limitFlags = []string{"max-query-bytes", "max-query-clauses", "query-timeout", "query-memory-bytes",
	"max-body-bytes", "max-body-lines", "read-timeout", "max-connections"}

func positive(v any) bool {
	switch v := v.(type) {
	case int:
		return v > 0
	case int64:
		return v > 0
	case time.Duration:
		return v > 0
	}
	return false
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
	metrics, engines := standaloneMetrics()
	eng, err := engine.Open(cfg.DataDir, metrics.EngineOptions(engine.Options{Limits: cfg.Limits}))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	engines.Add(cfg.DataDir, eng)
	h := NewHandler(eng, Options{Token: cfg.Token, Logger: logger, Metrics: metrics, MaxBodyBytes: cfg.MaxBodyBytes, MaxBodyLines: cfg.MaxBodyLines, Profiling: cfg.Profiling})
	l, err := ListenWithLimits(cfg.Listen, cfg.Token, h, cfg.ListenLimits)
	if err != nil {
		return errors.Join(err, eng.Close())
	}
	if l.Warning != "" {
		logger.Warn(l.Warning)
	}
	var demoDone chan error
	if cfg.Demo {
		// The banner waits for the demo's history: what it says to curl finds data.
		live, err := prepareDemo(ctx, eng, cfg, stderr)
		if err != nil {
			return errors.Join(err, l.Close(10*time.Second), eng.Close())
		}
		demoDone = make(chan error, 1)
		go func() { demoDone <- live(ctx, "http://"+l.Addr) }()
	}
	sample, err := writeSampleEvents(cfg.DataDir, time.Now())
	if err != nil {
		logger.Warn(err.Error())
		sample = "events.ndjson"
	}
	printBanner(stdout, cfg, l.Addr, sample)
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

func printBanner(w io.Writer, cfg ServeConfig, addr, sample string) {
	auth := ""
	if cfg.Token != "" {
		auth = ` -H "Authorization: Bearer $TRIAGE_INGEST_TOKEN"`
	}
	fmt.Fprintf(w, `Triage is listening on http://%[1]s (store: %[2]s)

Send logs (Quickwit NDJSON; Elasticsearch _bulk and Loki push work too):
  curl -XPOST%[3]s 'http://%[1]s/api/v1/logs/ingest?commit=wait_for' --data-binary @'%[4]s'
Search:
  curl%[3]s 'http://%[1]s/api/v1/logs/search?query=severity:error&max_hits=10'
Indexes, metrics and health:
  curl%[3]s http://%[1]s/api/v1/indexes      curl http://%[1]s/metrics
  curl http://%[1]s/health/livez      curl http://%[1]s/health/readyz
Vector: point an http sink (framing newline_delimited) at http://%[1]s/api/v1/logs/ingest,
  or an elasticsearch sink at http://%[1]s/api/v1/_elastic (see examples/vector.toml).
Grafana: install the plugin and provision a Triage datasource; its own listener defaults to
  127.0.0.1:7280, so give it another ingestListen (or stop this server) on the same machine.
`, addr, cfg.DataDir, auth, sample)
}
