package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/triage-logs/triage/pkg/ingest"
)

// MinTokenBytes is the shortest token accepted: 16 random bytes' worth of
// hex is 32, so this only refuses what no generator would produce.
const MinTokenBytes = 16

// CheckToken refuses, at start-up, a token too weak to guard the API. An
// empty token means none (the listener then serves loopback only); one of
// spaces used to count as set, opening the API beyond loopback to anyone
// sending a blank password.
func CheckToken(token string) error {
	const hint = "generate one with `openssl rand -hex 24`"
	switch {
	case token == "":
		return nil
	case strings.TrimSpace(token) == "":
		return fmt.Errorf("the ingest token is only whitespace; set a real token (%s) or none to serve loopback only", hint)
	case strings.TrimSpace(token) != token:
		return fmt.Errorf("the ingest token starts or ends with whitespace, which HTTP clients drop; remove it")
	case strings.ContainsFunc(token, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("the ingest token holds control characters, which cannot travel in an HTTP header; %s", hint)
	case len(token) < MinTokenBytes:
		return fmt.Errorf("the ingest token is %d bytes long; use at least %d (%s)", len(token), MinTokenBytes, hint)
	}
	return nil
}

// guardMetrics serves /metrics openly to loopback clients (a local
// Prometheus agent) and, when a token is set, asks everyone else for it:
// the series name every index, which is not for the network to read.
func guardMetrics(token string, logger *slog.Logger, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	guarded := ingest.RequireToken(token, logger, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLoopbackRemote(r.RemoteAddr) {
			h.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

func isLoopbackRemote(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
