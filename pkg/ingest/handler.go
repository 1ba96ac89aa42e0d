package ingest

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
)

// HandlerOptions configures NewHandler; zero values pick the defaults.
type HandlerOptions struct {
	// MaxBodyBytes limits request bodies, compressed and decompressed
	// (default DefaultMaxBodyBytes, 10 MiB as in Quickwit).
	MaxBodyBytes int64
	// MaxBodyLines limits the lines of NDJSON and bulk bodies (default
	// DefaultMaxBodyLines).
	MaxBodyLines int
	// Token, when set, must be presented as "Authorization: Bearer
	// <Token>" (or as the password of Basic auth, for clients such as
	// Vector's elasticsearch sink that only speak Basic). Empty = no auth.
	Token string
	// Logger receives one line per failed request (default: discard).
	Logger *slog.Logger
	// RetryAfterSeconds is sent with 429 and 503 answers (default 1).
	RetryAfterSeconds int
	// LokiIndex is the index Loki pushes go to (default "logs").
	LokiIndex string
}

// NewHandler serves the ingest APIs (Quickwit NDJSON, Elasticsearch bulk
// with the read-only calls Vector's healthcheck makes, Loki push) on top
// of store.
func NewHandler(store Store, opts HandlerOptions) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxBodyLines <= 0 {
		opts.MaxBodyLines = DefaultMaxBodyLines
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RetryAfterSeconds <= 0 {
		opts.RetryAfterSeconds = 1
	}
	if opts.LokiIndex == "" {
		opts.LokiIndex = "logs"
	}
	h := &handler{store: store, opts: opts}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/{index}/ingest", h.quickwitIngest)
	mux.HandleFunc("POST /api/v1/_elastic/_bulk", h.elasticBulk)
	mux.HandleFunc("POST /api/v1/_elastic/{index}/_bulk", h.elasticBulk)
	mux.HandleFunc("GET /api/v1/_elastic", h.elasticInfo)
	mux.HandleFunc("GET /api/v1/_elastic/{$}", h.elasticInfo)
	mux.HandleFunc("GET /api/v1/_elastic/_cluster/health", h.elasticHealth)
	mux.HandleFunc("GET /api/v1/_elastic/_cluster/state/version", h.elasticStateVersion)
	mux.HandleFunc("GET /api/v1/_elastic/_cat/health", h.elasticCatHealth)
	mux.HandleFunc("POST /loki/api/v1/push", h.lokiPush)
	routes := h.elasticMisses(mux)
	if opts.Token == "" {
		return ElasticProduct(routes)
	}
	return ElasticProduct(h.authenticate(routes))
}

// elasticMisses answers requests under /api/v1/_elastic that no route
// serves in Elasticsearch's error shape. (A catch-all pattern cannot be
// registered: it would conflict with /api/v1/{index}/ingest.)
func (h *handler) elasticMisses(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsElasticPath(r.URL.Path) {
			if _, pattern := mux.Handler(r); pattern == "" {
				h.elasticUnsupported(w, r)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

type handler struct {
	store Store
	opts  HandlerOptions
}

// RequireToken guards next with the same token check the ingest routes use,
// so other APIs served beside them (search, index management) share it.
func RequireToken(token string, logger *slog.Logger, next http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{opts: HandlerOptions{Token: token, Logger: logger, RetryAfterSeconds: 1}}
	return ElasticProduct(h.authenticate(next))
}

// authenticate checks the bearer token in constant time before any route;
// a refusal under /api/v1/_elastic is in Elasticsearch's error shape, which
// its clients parse.
func (h *handler) authenticate(next http.Handler) http.Handler {
	want := []byte(h.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := presentedToken(r)
		if !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="triage"`)
			msg := "missing credentials: send the ingest token as \"Authorization: Bearer <token>\""
			if ok {
				msg = "wrong ingest token: check the token configured in the client"
			}
			if IsElasticPath(r.URL.Path) {
				h.elasticFail(w, r, http.StatusUnauthorized, "security_exception", errors.New(msg))
				return
			}
			h.fail(w, r, http.StatusUnauthorized, errors.New(msg))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func presentedToken(r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(auth, " ")
	if !ok {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "bearer":
		return strings.TrimSpace(cred), true
	case "basic":
		dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return "", true
		}
		_, pass, _ := strings.Cut(string(dec), ":")
		return pass, true
	}
	return "", false
}

// statusFor maps an error to its HTTP status: 4xx only for requests that
// can never succeed as sent; store failures are 503 so clients retry.
func statusFor(err error) int {
	var tooLarge *BodyTooLargeError
	var tooManyLines *TooManyLinesError
	var unsupported *UnsupportedEncodingError
	var badEnc *BadEncodingError
	var syntax *BulkSyntaxError
	var readErr *BodyReadError
	switch {
	case errors.As(err, &readErr) && readErr.Timeout():
		return http.StatusRequestTimeout
	case errors.As(err, &readErr):
		return http.StatusBadRequest
	case errors.As(err, &tooLarge), errors.As(err, &tooManyLines):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &unsupported):
		return http.StatusUnsupportedMediaType
	case errors.As(err, &badEnc), errors.As(err, &syntax), errors.As(err, new(*requestError)):
		return http.StatusBadRequest
	case errors.Is(err, engine.ErrIndexNotFound):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrOverloaded):
		return http.StatusTooManyRequests
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusServiceUnavailable
}

// requestError is a malformed request (bad parameter or body) that no
// retry can fix (HTTP 400).
type requestError struct{ msg string }

func (e *requestError) Error() string { return e.msg }

func badRequest(msg string) error { return &requestError{msg} }

// fail writes err in Quickwit's error shape {"message": "..."}.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.logFailure(r, status, err)
	h.setRetryAfter(w, status)
	writeJSON(w, status, map[string]string{"message": err.Error()})
}

func (h *handler) setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(h.opts.RetryAfterSeconds))
	}
}

func (h *handler) logFailure(r *http.Request, status int, err error) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	h.opts.Logger.Log(r.Context(), level, "ingest request failed", "method", r.Method, "path", r.URL.Path,
		"status", status, "remote", r.RemoteAddr, "error", err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"message":"encode response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
