package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// benchSystem is one log store under comparison, driven only through its
// HTTP API as a user's tools drive it: Vector for ingest, Grafana for
// queries. Its process is measured from /proc.
type benchSystem interface {
	name() string
	pid() int
	dataDir() string
	// ingestRequest is the POST of one NDJSON body, as Vector would send it.
	ingestRequest(ctx context.Context, body []byte) (*http.Request, error)
	// countRequest asks how many events lie in w, to see when ingested
	// events are searchable.
	countRequest(ctx context.Context, w window) (*http.Request, error)
	parseCount(body []byte) (int64, error)
	// queryRequest is one of the compared queries; parseAnswer reads its
	// response into the form both systems' answers are compared in.
	queryRequest(ctx context.Context, q compareQuery, w window) (*http.Request, error)
	parseAnswer(q compareQuery, body []byte) (answer, error)
	stop() error
}

// benchClient sends the requests. Responses are read whole inside the timed
// part and parsed after it, so JSON decoding on the client is not timed.
var benchClient = &http.Client{
	Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
	Timeout:   5 * time.Minute,
}

// fetch sends req and returns the body of a 200 answer.
func fetch(req *http.Request) ([]byte, error) {
	resp, err := benchClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &statusError{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"),
			msg: fmt.Sprintf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, bytes.TrimSpace(body[:min(len(body), 512)]))}
	}
	return body, nil
}

// statusError is a non-200 answer.
type statusError struct {
	status     int
	retryAfter string
	msg        string
}

func (e *statusError) Error() string { return e.msg }

// retryable reports the answers Vector retries: 408, 429 and 5xx but 501.
func (e *statusError) retryable() bool {
	return e.status == http.StatusRequestTimeout || e.status == http.StatusTooManyRequests ||
		(e.status >= 500 && e.status != http.StatusNotImplemented)
}

// wait is how long a client waits before retrying: the server's
// Retry-After (capped at a second, so an overloaded run still ends), else
// Vector's first backoff step of one second.
func (e *statusError) wait() time.Duration {
	if s, err := strconv.Atoi(e.retryAfter); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, time.Second)
	}
	return time.Second
}

func jsonPost(ctx context.Context, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
