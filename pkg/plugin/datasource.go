// Package plugin adapts Triage to Grafana's backend plugin API: settings,
// QueryData, CheckHealth, CallResource and streams. Every query runs
// through one backend.Backend (the embedded engine, or a Quickwit or
// VictoriaLogs cluster); frames, links, volume, context, paging and live
// tail are built here, once, above it. It holds no search logic of its own.
package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/connect"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
	"github.com/triage-logs/triage/pkg/server"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured Triage datasource. Grafana caches it per
// datasource and replaces it (calling Dispose) when the settings change.
type Datasource struct {
	uid      string
	settings Settings
	// setupErr is kept rather than returned from NewDatasource so that
	// health checks and queries can show the user what to fix.
	setupErr error
	// store answers every query, resource and stream: the embedded engine
	// or a remote cluster, as the settings' backend says.
	store logstore.Backend
	// local is the embedded engine's shared handle; nil for remote kinds.
	local    *sharedEngine
	listener *sharedListener
	// listenErr is why the ingest listener is not running; queries still work.
	listenErr error
	// rememberErr is why the listener will not come up at the next plugin
	// start before Grafana uses the datasource.
	rememberErr error
	metrics     *server.Metrics
	resources   backend.CallResourceHandler
	logger      log.Logger
}

// NewDatasource is the instance factory given to datasource.Manage. For the
// embedded backend it opens (or shares) the engine of the configured data
// directory and starts the ingest listener, taking over the ones brought up
// at plugin start (standby.go); for a remote backend it only connects: the
// cluster stores and ingests.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	ds := &Datasource{uid: s.UID, metrics: server.DefaultMetrics(), logger: log.DefaultLogger.With("datasource", s.UID)}
	ds.resources = httpadapter.New(ds.routes())
	unlock := lockDatasource(s.UID)
	defer unlock()
	defer adoptDatasource(ds)
	settings, err := ParseSettings(s)
	ds.settings = settings
	if err != nil {
		ds.setupErr = err
		return ds, nil
	}
	if settings.Remote() {
		if ds.store, err = connect.Open(settings.Backend, nil); err != nil {
			ds.setupErr = err
		}
		return ds, nil
	}
	if _, err := checkDataDir(settings.DataDir); err != nil {
		ds.setupErr = err
		return ds, nil
	}
	ds.local, err = acquireEngine(settings.DataDir, ds.metrics.EngineOptions(engine.Options{}))
	if err != nil {
		ds.setupErr = fmt.Errorf("open the store in %s: %w", settings.DataDir, err)
		return ds, nil
	}
	if ds.store, err = connect.Open(settings.Backend, ds.local.eng); err != nil {
		ds.setupErr = err
		return ds, nil
	}
	if settings.IngestListen != "" {
		h := ingestHandler(ds.local.eng, settings.IngestToken, ds.logger)
		tokenSet := settings.IngestToken != ""
		// A weak token keeps the listener down (health says why); the
		// shared listener sees only whether one is set.
		if ds.listenErr = server.CheckToken(settings.IngestToken); ds.listenErr == nil {
			ds.listener, ds.listenErr = acquireListener(s.UID, settings.IngestListen, tokenSet, h)
			if ds.listenErr != nil && yieldPort(s.UID, settings.IngestListen) {
				ds.listener, ds.listenErr = acquireListener(s.UID, settings.IngestListen, tokenSet, h)
			}
		}
		switch {
		case ds.listenErr != nil:
			ds.logger.Error("ingest listener not started", "error", ds.listenErr)
		case ds.listener.l.Warning != "":
			ds.logger.Warn(ds.listener.l.Warning)
		default:
			ds.logger.Info("ingest listener started", "address", ds.listener.l.Addr)
		}
	}
	return ds, nil
}

// ingestHandler is the HTTP API a datasource's listener serves.
func ingestHandler(eng *engine.Engine, token string, logger log.Logger) http.Handler {
	return server.NewHandler(eng, server.Options{
		Token:   token,
		Logger:  slog.New(slogHandler{logger}),
		Metrics: server.DefaultMetrics(),
	})
}

// Dispose releases the listener and the engine this instance holds. When
// Grafana disposes of the datasource's last instance without replacing it,
// they stay up in standby (see standby.go) so ingest does not stop.
func (d *Datasource) Dispose() {
	unlock := lockDatasource(d.uid)
	defer unlock()
	retireDatasource(d)
	if d.listener != nil {
		d.listener.release()
	}
	if d.local != nil {
		if err := d.local.release(); err != nil {
			d.logger.Error("close store", "error", err)
		}
	}
}

// engine returns the embedded engine, for what only it offers (ingest
// through Grafana), or the reason there is none.
func (d *Datasource) engine() (*engine.Engine, error) {
	if d.setupErr != nil {
		return nil, d.setupErr
	}
	if d.settings.Remote() {
		return nil, fmt.Errorf("this datasource reads a %s cluster at %s: send logs to the cluster's own ingest endpoint", d.settings.Backend.Kind, d.settings.Backend.URL)
	}
	if d.local == nil {
		return nil, errors.New("the store is not open")
	}
	return d.local.eng, nil
}

// backend returns the store answering queries, or the reason there is none.
func (d *Datasource) backend() (logstore.Backend, error) {
	if d.setupErr != nil {
		return nil, d.setupErr
	}
	if d.store == nil {
		return nil, errors.New("the store is not open")
	}
	return d.store, nil
}

// CallResource serves the datasource's HTTP resources (/api/datasources/uid/<uid>/resources/...).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

func (d *Datasource) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ingest/{index}", d.handleIngest)
	mux.HandleFunc("GET /validate", d.handleValidate)
	mux.HandleFunc("GET /fields", d.handleFields)
	mux.HandleFunc("GET /values", d.handleValues)
	mux.HandleFunc("GET /indexes", d.handleIndexes)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no resource at "+r.URL.Path)
	})
	return mux
}

// handleIngest accepts Quickwit NDJSON through Grafana's resource API,
// where Grafana has already authenticated the caller.
func (d *Datasource) handleIngest(w http.ResponseWriter, r *http.Request) {
	eng, err := d.engine()
	if err != nil {
		status := http.StatusServiceUnavailable
		if d.settings.Remote() {
			status = http.StatusBadRequest // retrying cannot help: the cluster ingests
		}
		writeJSONError(w, status, err.Error())
		return
	}
	h := ingest.NewHandler(d.metrics.InstrumentStore(eng), ingest.HandlerOptions{Logger: slog.New(slogHandler{d.logger})})
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/api/v1/" + r.PathValue("index") + "/ingest"
	h.ServeHTTP(w, r2)
}
