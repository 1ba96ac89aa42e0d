package loadgen

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// StreamConfig describes a live load run against an NDJSON ingest URL.
type StreamConfig struct {
	URL string
	// Rate is the target events per second.
	Rate float64
	// Batch is the number of events per request (default 1000).
	Batch int
	// Token, when set, is sent as "Authorization: Bearer <Token>".
	Token string
	Gzip  bool
	// Duration and Count bound the run; at least one must be set.
	Duration time.Duration
	Count    int
	// Drain is how long undelivered batches keep being retried after
	// Duration ends (default 30 s).
	Drain time.Duration
	// Report is the interval between summary lines (default 10 s).
	Report time.Duration
	// Out receives one summary line per interval and a final one.
	Out     io.Writer
	Client  *http.Client
	Backoff Backoff

	// retrySleep replaces the wait between retries in tests.
	retrySleep func(context.Context, time.Duration) error
}

// StreamStats counts what a run delivered.
type StreamStats struct {
	Events  int64
	Batches int64
	Bytes   int64
	Retries int64
}

// Stream sends events from gen as NDJSON batches to cfg.URL at cfg.Rate
// until cfg.Duration or cfg.Count is reached. Retryable failures (408, 429,
// 5xx, connection errors) are retried with backoff until delivered, so no
// batch is dropped; any other status stops the run with an error.
func Stream(ctx context.Context, gen *Generator, cfg StreamConfig) (StreamStats, error) {
	var st StreamStats
	if cfg.URL == "" {
		return st, errors.New("loadgen: no ingest URL; pass -url http://host:port/api/v1/<index>/ingest")
	}
	if cfg.Rate <= 0 {
		return st, fmt.Errorf("loadgen: rate %v must be positive events per second", cfg.Rate)
	}
	if cfg.Duration <= 0 && cfg.Count <= 0 {
		return st, errors.New("loadgen: a live run needs a bound; pass -duration or -n")
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 30 * time.Second
	}
	if cfg.Report <= 0 {
		cfg.Report = 10 * time.Second
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Backoff.Initial <= 0 {
		cfg.Backoff.Initial = DefaultBackoff.Initial
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = DefaultBackoff.Max
	}
	if cfg.Backoff.MaxRetryAfter <= 0 {
		cfg.Backoff.MaxRetryAfter = DefaultBackoff.MaxRetryAfter
	}
	if cfg.retrySleep == nil {
		cfg.retrySleep = sleepCtx
	}

	start := time.Now()
	genCtx, deliverCtx := ctx, ctx
	if cfg.Duration > 0 {
		var cancelGen, cancelDeliver context.CancelFunc
		genCtx, cancelGen = context.WithDeadline(ctx, start.Add(cfg.Duration))
		defer cancelGen()
		deliverCtx, cancelDeliver = context.WithDeadline(ctx, start.Add(cfg.Duration+cfg.Drain))
		defer cancelDeliver()
	}

	var batch []byte
	var body bytes.Buffer
	var zw *gzip.Writer
	if cfg.Gzip {
		zw = gzip.NewWriter(&body)
	}
	interval := StreamStats{}
	lastReport := start
	for cfg.Count <= 0 || st.Events < int64(cfg.Count) {
		if genCtx.Err() != nil {
			break
		}
		n := cfg.Batch
		if cfg.Count > 0 {
			n = int(min(int64(n), int64(cfg.Count)-st.Events))
		}
		batch = batch[:0]
		for range n {
			batch = gen.AppendNext(batch)
			batch = append(batch, '\n')
		}
		payload := batch
		if zw != nil {
			body.Reset()
			zw.Reset(&body)
			zw.Write(payload)
			if err := zw.Close(); err != nil {
				return st, fmt.Errorf("loadgen: gzip batch: %w", err)
			}
			payload = body.Bytes()
		}
		retries, err := cfg.deliver(deliverCtx, payload)
		st.Retries += int64(retries)
		interval.Retries += int64(retries)
		if err != nil {
			fmt.Fprintf(cfg.Out, "loadgen: stopped after %d events: %v\n", st.Events, err)
			return st, err
		}
		st.Events += int64(n)
		st.Batches++
		st.Bytes += int64(len(payload))
		interval.Events += int64(n)
		interval.Batches++
		interval.Bytes += int64(len(payload))

		if now := time.Now(); now.Sub(lastReport) >= cfg.Report {
			report(cfg.Out, now.Sub(start), now.Sub(lastReport), interval, st)
			interval, lastReport = StreamStats{}, now
		}
		due := start.Add(time.Duration(float64(st.Events) / cfg.Rate * float64(time.Second)))
		if err := sleepCtx(genCtx, time.Until(due)); err != nil && ctx.Err() != nil {
			return st, ctx.Err()
		}
	}
	now := time.Now()
	report(cfg.Out, now.Sub(start), now.Sub(lastReport), interval, st)
	return st, nil
}

func report(w io.Writer, elapsed, span time.Duration, in, total StreamStats) {
	rate := 0.0
	if span > 0 {
		rate = float64(in.Events) / span.Seconds()
	}
	fmt.Fprintf(w, "loadgen: t=%s sent %d events in %d batches (%.0f/s, %.1f MB), %d retries; total %d events\n",
		elapsed.Round(time.Second), in.Events, in.Batches, rate, float64(in.Bytes)/1e6, in.Retries, total.Events)
}

// deliver posts one batch, retrying until it is accepted, a non-retryable
// status arrives or ctx ends; it returns the number of retries made.
func (cfg *StreamConfig) deliver(ctx context.Context, payload []byte) (int, error) {
	fib := fibonacci{b: cfg.Backoff}
	for attempt := 0; ; attempt++ {
		wait, err := cfg.post(ctx, payload)
		if err == nil {
			return attempt, nil
		}
		var perm permanentError
		if errors.As(err, &perm) {
			return attempt, err
		}
		if ctx.Err() != nil {
			return attempt, fmt.Errorf("batch undelivered when the run ended (last error: %v)", err)
		}
		if wait < 0 {
			wait = fib.next()
		}
		if err := cfg.retrySleep(ctx, wait); err != nil {
			return attempt, fmt.Errorf("batch undelivered when the run ended while retrying: %w", err)
		}
	}
}

// permanentError is a response that retrying cannot fix.
type permanentError struct{ msg string }

func (e permanentError) Error() string { return e.msg }

// post sends the batch once. For a retryable failure it returns the delay
// the server asked for (Retry-After) or -1 to use the backoff.
func (cfg *StreamConfig) post(ctx context.Context, payload []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(payload))
	if err != nil {
		return 0, permanentError{fmt.Sprintf("build request for %s: %v", cfg.URL, err)}
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if cfg.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Token)
	}
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return -1, fmt.Errorf("post %s: %w", cfg.URL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 == 2 {
		return 0, nil
	}
	text := fmt.Sprintf("post %s: %s: %s", cfg.URL, resp.Status, strings.TrimSpace(string(msg)))
	if !retryableStatus(resp.StatusCode) {
		return 0, permanentError{text}
	}
	if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return min(d, cfg.Backoff.MaxRetryAfter), errors.New(text)
	}
	return -1, errors.New(text)
}
