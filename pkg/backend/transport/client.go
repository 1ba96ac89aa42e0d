// Package transport is the HTTP client remote backends share: auth, TLS, a
// per-request deadline, retries of 429 and 503 with backoff inside that
// deadline, bounded response bodies, and errors that name the backend, the
// URL path and the store's message.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
)

// DefaultMaxBodyBytes bounds a response body read into memory.
const DefaultMaxBodyBytes = 64 << 20

// Client sends requests to one remote store.
type Client struct {
	backend string
	base    *url.URL
	http    *http.Client
	// stream has no overall timeout: a live tail's body lasts as long as
	// the subscription.
	stream  *http.Client
	auth    func(*http.Request)
	timeout time.Duration
	// MaxBodyBytes bounds a response body (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Backoff is the first retry's wait; it doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

// New makes a client for the store of s (validated), named backendName in errors.
func New(backendName string, s backend.Settings) (*Client, error) {
	base, err := url.Parse(s.URL)
	if err != nil {
		return nil, fmt.Errorf("%s URL %q: %w", backendName, s.URL, err)
	}
	tlsCfg, err := tlsConfig(s.TLS)
	if err != nil {
		return nil, fmt.Errorf("%s TLS settings: %w", backendName, err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.MaxIdleConnsPerHost = 16
	c := &Client{
		backend: backendName, base: base, timeout: s.Timeout,
		http:         &http.Client{Transport: tr},
		stream:       &http.Client{Transport: tr},
		MaxBodyBytes: DefaultMaxBodyBytes,
		Backoff:      100 * time.Millisecond, MaxBackoff: 2 * time.Second,
	}
	switch {
	case s.BearerToken != "":
		token := s.BearerToken
		c.auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	case s.BasicAuthUser != "" || s.BasicAuthPassword != "":
		user, pass := s.BasicAuthUser, s.BasicAuthPassword
		c.auth = func(r *http.Request) { r.SetBasicAuth(user, pass) }
	}
	if c.timeout <= 0 {
		c.timeout = backend.DefaultTimeout
	}
	return c, nil
}

// Backend is the name errors carry.
func (c *Client) Backend() string { return c.backend }

// URL is the base URL requests go to.
func (c *Client) URL() string { return c.base.String() }

// Request is one call: Path is joined to the base URL's path.
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	Body        []byte
	ContentType string
	Header      http.Header
}

// Response is a successful (2xx) answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req, retrying 429 and 503 answers with exponential backoff, honouring Retry-After, as long as the next
// attempt can start before the deadline: the earlier of ctx's and the
// client's timeout. A non-2xx answer is a *backend.RemoteError.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	wait := c.Backoff
	for attempt := 1; ; attempt++ {
		res, retryAfter, err := c.once(ctx, req)
		if err == nil {
			return res, nil
		}
		var rerr *backend.RemoteError
		if !errors.As(err, &rerr) || !retryable(rerr) {
			return nil, err
		}
		pause := max(wait, retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < pause {
			rerr.Message += fmt.Sprintf(" (gave up after %d attempts: no time left before the deadline to retry)", attempt)
			return nil, rerr
		}
		select {
		case <-ctx.Done():
			return nil, c.ctxError(req, ctx.Err())
		case <-time.After(pause):
		}
		wait = min(wait*2, c.MaxBackoff)
	}
}

// retryable reports answers that a later attempt can turn into a success:
// overload (429) and unavailability (503). A store that does not answer
// at all is reported at once rather than waited for.
func retryable(e *backend.RemoteError) bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable
}

const msgRefused = "connection refused"

func (c *Client) once(ctx context.Context, req Request) (*Response, time.Duration, error) {
	hreq, err := c.newRequest(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	hres, err := c.http.Do(hreq)
	if err != nil {
		return nil, 0, c.transportError(ctx, req, err)
	}
	defer hres.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hres.Body, c.MaxBodyBytes+1))
	if err != nil {
		return nil, 0, c.transportError(ctx, req, err)
	}
	if int64(len(body)) > c.MaxBodyBytes {
		return nil, 0, c.remoteError(req, 0, fmt.Sprintf("the answer is larger than %d MiB; narrow the time range or the query", c.MaxBodyBytes>>20))
	}
	if hres.StatusCode < 200 || hres.StatusCode > 299 {
		return nil, retryAfter(hres.Header), c.remoteError(req, hres.StatusCode, errorMessage(body))
	}
	return &Response{Status: hres.StatusCode, Header: hres.Header, Body: body}, 0, nil
}

// Stream sends req once and returns the open response of a 2xx answer for
// the caller to read and close; it ends when ctx does.
func (c *Client) Stream(ctx context.Context, req Request) (*http.Response, error) {
	hreq, err := c.newRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	hres, err := c.stream.Do(hreq)
	if err != nil {
		return nil, c.transportError(ctx, req, err)
	}
	if hres.StatusCode < 200 || hres.StatusCode > 299 {
		defer hres.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(hres.Body, 64<<10))
		return nil, c.remoteError(req, hres.StatusCode, errorMessage(body))
	}
	return hres, nil
}

func (c *Client) newRequest(ctx context.Context, req Request) (*http.Request, error) {
	u := *c.base
	u.Path = c.base.Path + req.Path
	u.RawQuery = req.Query.Encode()
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, c.remoteError(req, 0, err.Error())
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	if req.ContentType != "" {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	hreq.Header.Set("Accept", "application/json")
	if c.auth != nil {
		c.auth(hreq)
	}
	return hreq, nil
}

func (c *Client) remoteError(req Request, status int, msg string) *backend.RemoteError {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	return &backend.RemoteError{Backend: c.backend, Method: method, Path: req.Path, Status: status, Message: msg}
}
