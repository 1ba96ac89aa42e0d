// Package quickwitfake is a strict, in-memory stand-in for a Quickwit
// searcher, for tests: Quickwit cannot run here. It is written from
// Quickwit's documentation (docs/reference/rest-api.md,
// es_compatible_api.md, aggregation.md, query-language.md) and refuses
// what Quickwit refuses rather than guessing: unknown keys and parameters
// are a 400, date_histogram takes fixed_interval only, more than 65,000
// buckets fail, datetime values must be RFC 3339 (no date math), the
// timestamp fast field keeps seconds (fast_precision's default), native
// sort_by reads `-field` as ascending, and a document becomes searchable
// only when its split commits (commit_timeout_secs after ingest).
//
// Queries and aggregations are evaluated by brute force over the stored
// documents, independently of Triage's engine.
package quickwitfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Options configure a fake cluster.
type Options struct {
	// Version is what /api/v1/version reports, e.g. "0.8.2" or "0.9.1";
	// features of later versions (cardinality, text ranges) follow it.
	Version string
	// Now replaces the clock (default time.Now).
	Now func() time.Time
}

// Server is a fake Quickwit cluster behind an http.Handler.
type Server struct {
	opts   Options
	minor  int
	mu     sync.Mutex
	idx    map[string]*index
	mux    *http.ServeMux
	failed int // splits to report as failed, newest first
	// Requests counts the requests served, by path pattern.
	requests map[string]int
}

// New starts an empty fake cluster.
func New(opts Options) *Server {
	if opts.Version == "" {
		opts.Version = "0.8.2"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, idx: map[string]*index{}, mux: http.NewServeMux(), requests: map[string]int{}}
	fmt.Sscanf(opts.Version, "0.%d", &s.minor)
	s.routes()
	return s
}

func (s *Server) routes() {
	s.handle("GET /api/v1/version", s.version)
	s.handle("GET /api/v1/indexes", s.listIndexes)
	s.handle("POST /api/v1/indexes", s.createIndex)
	s.handle("GET /api/v1/indexes/{id}", s.describeIndex)
	s.handle("GET /api/v1/{index}/{op}", s.indexOp)
	s.handle("POST /api/v1/{index}/{op}", s.indexOp)
	s.handle("GET /api/v1/_elastic/{index}/_search", s.esSearch)
	s.handle("POST /api/v1/_elastic/{index}/_search", s.esSearch)
	s.handle("POST /api/v1/_elastic/_msearch", s.esMultiSearch)
	s.handle("GET /api/v1/_elastic/{index}/_field_caps", s.fieldCaps)
	s.handle("POST /api/v1/_elastic/{index}/_field_caps", s.fieldCaps)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "route not found: "+r.Method+" "+r.URL.Path)
	})
}

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[pattern]++
		s.mu.Unlock()
		h(w, r)
	})
}

// indexOp routes /api/v1/{index}/ingest and /search (a fixed segment
// after a variable one would clash with /api/v1/indexes/{id}).
func (s *Server) indexOp(w http.ResponseWriter, r *http.Request) {
	switch op := r.PathValue("op"); {
	case op == "search":
		s.nativeSearch(w, r)
	case op == "ingest" && r.Method == http.MethodPost:
		s.ingest(w, r)
	default:
		writeError(w, http.StatusNotFound, "route not found: "+r.Method+" "+r.URL.Path)
	}
}

// ServeHTTP serves the Quickwit API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Requests returns how many requests a route pattern served.
func (s *Server) Requests(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[pattern]
}

// FailSplits makes searches report the n newest splits of every index as
// failed: their documents are left out and the answer says so, as
// Quickwit does when some splits cannot be searched.
func (s *Server) FailSplits(n int) {
	s.mu.Lock()
	s.failed = n
	s.mu.Unlock()
}

// at least reports whether the fake plays Quickwit 0.minor or later.
func (s *Server) atLeast(minor int) bool { return s.minor >= minor }

func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"build":   map[string]any{"version": "v" + s.opts.Version, "cargo_pkg_version": s.opts.Version, "commit_tags": []string{"v" + s.opts.Version}},
		"runtime": map[string]any{"num_cpus_logical": 2},
	})
}

// writeError answers in Quickwit's REST error shape, {"message": …}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// writeESError answers in the Elasticsearch API's error shape.
func writeESError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": status, "error": map[string]any{"type": "fake_quickwit_error", "reason": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// checkParams refuses query parameters outside allowed.
func checkParams(r *http.Request, allowed ...string) error {
	for k := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return fmt.Errorf("unknown query parameter `%s`, expected one of %v", k, allowed)
		}
	}
	return nil
}
