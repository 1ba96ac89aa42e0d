package server

import (
	"net/http"
	"net/http/pprof"
)

// registerProfiling serves Go's runtime profiles under /debug/pprof/, as
// VictoriaLogs does on its own port, so a slow or swollen server can be
// profiled where it runs (`go tool pprof http://host/debug/pprof/heap`).
// It is off unless asked for (serve -pprof) and sits behind the API's
// token: a profile shows the process' memory and command line.
func registerProfiling(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}
