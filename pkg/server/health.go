package server

import (
	"encoding/json"
	"net/http"

	"github.com/triage-logs/triage/pkg/engine"
)

// Health endpoints for load balancers, service managers and Kubernetes
// probes, in the shape Kubernetes' own API server uses: /health/livez
// answers while the process serves HTTP at all; /health/readyz answers 200
// only while the store takes writes, and 503 naming why not. Both are open
// (probes carry no token) and reveal nothing but that state.
const (
	livezPath  = "/health/livez"
	readyzPath = "/health/readyz"
)

// registerHealth adds the health endpoints to mux.
func registerHealth(mux *http.ServeMux, eng *engine.Engine) {
	mux.HandleFunc("GET "+livezPath, func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, http.StatusOK, map[string]string{"status": "live"})
	})
	mux.HandleFunc("GET "+readyzPath, func(w http.ResponseWriter, _ *http.Request) {
		if err := eng.Ready(); err != nil {
			writeHealth(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
		writeHealth(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func writeHealth(w http.ResponseWriter, status int, body map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
