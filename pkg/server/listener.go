// Package server is Triage's HTTP surface outside Grafana: the ingest APIs,
// the search and index APIs, and /metrics, served by each datasource
// instance's listener and by the standalone `gpx_triage serve` mode.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/net/netutil"
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

// ListenLimits bound what one client can hold of the listener; zero
// values pick the defaults.
type ListenLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers (default 10 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a request's body (default 60 s): a client
	// trickling its body is answered 408 and its connection closed. It is
	// lifted once the body is read, so a long search is not cut short.
	ReadTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long (default 2 min).
	IdleTimeout time.Duration
	// MaxConnections caps open connections (default 1024); further clients
	// wait in the kernel's accept queue until one closes.
	MaxConnections int
}

// Defaults of ListenLimits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxConnections    = 1024
)

func (lim ListenLimits) withDefaults() ListenLimits {
	lim.ReadHeaderTimeout = cmp.Or(lim.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	lim.ReadTimeout = cmp.Or(lim.ReadTimeout, DefaultReadTimeout)
	lim.IdleTimeout = cmp.Or(lim.IdleTimeout, DefaultIdleTimeout)
	lim.MaxConnections = cmp.Or(lim.MaxConnections, DefaultMaxConnections)
	return lim
}

// Listen binds addr and serves h with the default limits (see
// ListenWithLimits).
func Listen(addr string, token string, h http.Handler) (*Listener, error) {
	return ListenWithLimits(addr, token, h, ListenLimits{})
}

// ListenWithLimits binds addr and serves h. A token that is set must be
// strong enough to guard the API (see CheckToken). Without a token, a
// non-loopback address is narrowed to loopback: an unauthenticated ingest
// endpoint must not be reachable from other machines.
func ListenWithLimits(addr string, token string, h http.Handler, lim ListenLimits) (*Listener, error) {
	if err := CheckToken(token); err != nil {
		return nil, err
	}
	lim = lim.withDefaults()
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
		Handler: bodyReadDeadline(lim.ReadTimeout, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(*l.handler.Load()).ServeHTTP(w, r)
		})),
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		IdleTimeout:       lim.IdleTimeout,
		// Room for a GET search's URL-encoded query at its 64 KiB limit;
		// a quarter of net/http's default, times the connection cap.
		MaxHeaderBytes: 256 << 10,
	}
	go func() { _ = l.srv.Serve(netutil.LimitListener(ln, lim.MaxConnections)) }()
	return l, nil
}

// bodyReadDeadline gives each request d to deliver its body. The deadline
// is lifted at the body's end: net/http watches the connection after that
// to cancel the request's context when the client leaves, and a deadline
// still set would cancel a long search instead.
func bodyReadDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody && rc.SetReadDeadline(time.Now().Add(d)) == nil {
			// A shallow copy: net/http checks the original request's body
			// to know whether a 100-continue body was left unread.
			r2 := *r
			r2.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline once the body has been read whole.
type deadlineBody struct {
	io.ReadCloser
	lift func()
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.lift()
	}
	return n, err
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
