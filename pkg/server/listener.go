// Package server is Triage's HTTP surface outside Grafana: the ingest APIs,
// the search and index APIs, and /metrics, served by each datasource
// instance's listener and by the standalone `gpx_triage serve` mode.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Listener is a running HTTP server whose handler can be replaced without
// closing the socket, so a datasource instance that replaces another (new
// settings) takes over the port instead of racing the old one for it.
type Listener struct {
	srv     *http.Server
	ln      net.Listener
	handler atomic.Pointer[http.Handler]
	// Addr is the address actually bound.
	Addr string
	// Warning says why the bound address differs from the one asked for.
	Warning string
}

// Listen binds addr and serves h. Without a token, a non-loopback address is
// narrowed to loopback: an unauthenticated ingest endpoint must not be
// reachable from other machines.
func Listen(addr string, token string, h http.Handler) (*Listener, error) {
	bind, warning, err := bindAddress(addr, token)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("ingest listener on %s: %w", bind, err)
	}
	l := &Listener{ln: ln, Addr: ln.Addr().String(), Warning: warning}
	l.handler.Store(&h)
	l.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(*l.handler.Load()).ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// SetHandler replaces the handler for requests that arrive from now on.
func (l *Listener) SetHandler(h http.Handler) { l.handler.Store(&h) }

// Close stops accepting and waits up to timeout for requests in flight,
// so an acknowledged ingest is never cut off mid-response.
func (l *Listener) Close(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return l.srv.Close()
	}
	return err
}

// bindAddress decides where to listen: addr itself, or its loopback
// equivalent when no token protects it.
func bindAddress(addr, token string) (bind, warning string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("listen address %q must be host:port: %w", addr, err)
	}
	if token != "" || isLoopbackHost(host) {
		return addr, "", nil
	}
	bind = net.JoinHostPort("127.0.0.1", port)
	return bind, fmt.Sprintf("no ingest token is configured, so the listener binds %s instead of %s; set a token to accept other machines", bind, addr), nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
