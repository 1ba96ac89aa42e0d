// Package plugin adapts the Triage engine to Grafana's backend plugin API:
// settings, QueryData, CheckHealth, CallResource and streams. It holds no
// search logic of its own.
package plugin

import (
	"context"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
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
	settings Settings
	// settingsErr is kept rather than returned from NewDatasource so that
	// health checks and queries can show the user what to fix.
	settingsErr error
	resources   backend.CallResourceHandler
	logger      log.Logger
}

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	settings, err := ParseSettings(s)
	ds := &Datasource{
		settings:    settings,
		settingsErr: err,
		logger:      log.DefaultLogger.With("datasource", s.UID),
	}
	ds.resources = httpadapter.New(ds.routes())
	return ds, nil
}

// Dispose releases everything the instance opened.
func (d *Datasource) Dispose() {}

// CallResource serves the datasource's HTTP resources (/api/datasources/uid/<uid>/resources/...).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

func (d *Datasource) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no resource at "+r.URL.Path)
	})
	return mux
}
