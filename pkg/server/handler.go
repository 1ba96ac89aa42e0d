package server

import (
	"log/slog"
	"net/http"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
)

// Options configures the HTTP surface.
type Options struct {
	// Token, when set, is required on every API but /metrics.
	Token string
	// MaxBodyBytes limits request bodies (default 10 MiB, as Quickwit).
	MaxBodyBytes int64
	Logger       *slog.Logger
	Metrics      *Metrics
}

// NewHandler serves the ingest, search and index APIs, /metrics and the health endpoints over
// eng. /metrics and /health/* are left open, as scrapers and probes expect; everything else
// requires the token.
func NewHandler(eng *engine.Engine, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = DefaultMetrics()
	}
	ingestAPI := ingest.NewHandler(opts.Metrics.InstrumentStore(eng), ingest.HandlerOptions{
		MaxBodyBytes: opts.MaxBodyBytes,
		Logger:       opts.Logger,
	})
	api := http.NewServeMux()
	indexAPI{eng: eng}.register(api)
	searchAPI{eng: eng, metrics: opts.Metrics, next: ingestAPI}.register(api)
	elasticAPI{eng: eng, metrics: opts.Metrics}.register(api)
	api.Handle("/", ingestAPI)
	var guarded http.Handler = api
	if opts.Token != "" {
		guarded = ingest.RequireToken(opts.Token, opts.Logger, api)
	}
	root := http.NewServeMux()
	root.Handle("GET /metrics", opts.Metrics.Handler())
	registerHealth(root, eng)
	root.Handle("/", guarded)
	return opts.Metrics.InstrumentHTTP(root)
}
