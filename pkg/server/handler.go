package server

import (
	"log/slog"
	"net/http"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
)

// Options configures the HTTP surface.
type Options struct {
	// Token, when set, is required on every API (on /metrics from beyond
	// loopback); it must pass CheckToken.
	Token string
	// MaxBodyBytes limits request bodies (default 10 MiB, as Quickwit).
	MaxBodyBytes int64
	// MaxBodyLines limits NDJSON and bulk bodies (default ingest.DefaultMaxBodyLines).
	MaxBodyLines int
	Logger       *slog.Logger
	Metrics      *Metrics
	// Profiling serves Go's profiles under /debug/pprof/ (profiling.go).
	Profiling bool
}

// NewHandler serves the ingest, search and index APIs, /metrics and the
// health endpoints over eng. Everything requires the token when one is set,
// except /metrics from loopback (a local Prometheus agent scrapes it as is)
// and /health/*, which probes call without a token and which tell nothing
// but live or ready (see health.go).
func NewHandler(eng *engine.Engine, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = DefaultMetrics()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = ingest.DefaultMaxBodyBytes
	}
	ingestAPI := ingest.NewHandler(opts.Metrics.InstrumentStore(eng), ingest.HandlerOptions{
		MaxBodyBytes: opts.MaxBodyBytes,
		MaxBodyLines: opts.MaxBodyLines,
		Logger:       opts.Logger,
	})
	api := http.NewServeMux()
	indexAPI{eng: eng}.register(api)
	searchAPI{eng: eng, metrics: opts.Metrics, logger: opts.Logger, next: ingestAPI}.register(api)
	elasticAPI{eng: eng, metrics: opts.Metrics, logger: opts.Logger}.register(api)
	if opts.Profiling {
		registerProfiling(api)
	}
	api.Handle("/", ingestAPI)
	var guarded http.Handler = api
	if opts.Token != "" {
		guarded = ingest.RequireToken(opts.Token, opts.Logger, api)
	}
	root := http.NewServeMux()
	root.Handle("GET /metrics", guardMetrics(opts.Token, opts.Logger, opts.Metrics.Handler()))
	registerHealth(root, eng)
	root.Handle("/", refuseOversizedBody(opts.MaxBodyBytes, guarded))
	return opts.Metrics.InstrumentHTTP(root)
}

// refuseOversizedBody answers 413 to a request whose Content-Length is over
// the limit before reading any of it; with `Expect: 100-continue` the
// client is told not to send the body at all.
func refuseOversizedBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			err := &ingest.BodyTooLargeError{Limit: limit}
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Message: err.Error()})
			return
		}
		next.ServeHTTP(w, r)
	})
}
