package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
	"github.com/triage-logs/triage/pkg/server"
)

// httpBatches are the same events three ways: NDJSON bodies, their gzip
// form, and the documents the engine API takes. They are prepared before
// the clock starts, so the client's gzip does not compete with the server
// for the two cores.
type httpBatches struct {
	events int
	plain  [][]byte
	gz     [][]byte
	docs   [][][]byte
}

func prepareHTTPBatches(events, batch int) (httpBatches, error) {
	out := httpBatches{events: events}
	gen := loadgen.New(loadgen.Config{Seed: 3, Count: events})
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	for left := events; left > 0; {
		n := min(batch, left)
		left -= n
		var body []byte
		for range n {
			body = gen.AppendNext(body)
			body = append(body, '\n')
		}
		docs := make([][]byte, 0, n)
		for line := range bytes.SplitSeq(bytes.TrimSuffix(body, []byte{'\n'}), []byte{'\n'}) {
			docs = append(docs, line)
		}
		zbuf.Reset()
		zw.Reset(&zbuf)
		if _, err := zw.Write(body); err != nil {
			return out, err
		}
		if err := zw.Close(); err != nil {
			return out, err
		}
		out.plain = append(out.plain, body)
		out.gz = append(out.gz, bytes.Clone(zbuf.Bytes()))
		out.docs = append(out.docs, docs)
	}
	return out, nil
}

// httpResult compares ingest over HTTP with the engine API on the same events.
type httpResult struct {
	events            int
	clients           int
	plainBytes        int64
	gzipBytes         int64
	engine, plain, gz float64 // events/s
	// retries counts answers of ErrOverloaded / 429 across the three runs.
	retries int64
}

// measureHTTP ingests the same events three times into fresh stores: through
// the engine API, and over HTTP to a real listener on 127.0.0.1 with and
// without gzip, from cfg.writers concurrent clients.
func measureHTTP(ctx context.Context, cfg config) (httpResult, error) {
	b, err := prepareHTTPBatches(cfg.httpEvents, cfg.batch)
	if err != nil {
		return httpResult{}, fmt.Errorf("prepare HTTP batches: %w", err)
	}
	res := httpResult{events: b.events, clients: cfg.writers}
	for i := range b.plain {
		res.plainBytes += int64(len(b.plain[i]))
		res.gzipBytes += int64(len(b.gz[i]))
	}
	var retries int64
	if res.engine, retries, err = withFreshStore(func(eng *engine.Engine) (float64, int64, error) {
		return ingestConcurrently(cfg.writers, len(b.docs), b.events, func(i int) (int64, error) {
			return ingestRetrying(ctx, eng, b.docs[i])
		})
	}); err != nil {
		return res, fmt.Errorf("engine API ingest: %w", err)
	}
	res.retries += retries
	for _, mode := range []struct {
		rate   *float64
		bodies [][]byte
		enc    string
	}{{&res.plain, b.plain, ""}, {&res.gz, b.gz, "gzip"}} {
		rate, retries, err := withFreshStore(func(eng *engine.Engine) (float64, int64, error) {
			reg := prometheus.NewRegistry()
			ln, err := server.Listen("127.0.0.1:0", "", server.NewHandler(eng, server.Options{Metrics: server.NewMetrics(reg, reg)}))
			if err != nil {
				return 0, 0, err
			}
			defer ln.Close(10 * time.Second)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.writers}, Timeout: time.Minute}
			url := "http://" + ln.Addr + "/api/v1/" + engine.DefaultIndexID + "/ingest"
			return ingestConcurrently(cfg.writers, len(mode.bodies), b.events, func(i int) (int64, error) {
				return post(ctx, client, url, mode.enc, mode.bodies[i])
			})
		})
		if err != nil {
			return res, fmt.Errorf("HTTP ingest (Content-Encoding %q): %w", mode.enc, err)
		}
		*mode.rate = rate
		res.retries += retries
	}
	return res, nil
}

// withFreshStore runs f on an engine over a new temporary directory and
// removes it afterwards.
func withFreshStore(f func(*engine.Engine) (float64, int64, error)) (float64, int64, error) {
	dir, err := os.MkdirTemp("", "triage-bench-http-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	eng, err := engine.Open(dir, engine.Options{})
	if err != nil {
		return 0, 0, err
	}
	rate, retries, err := f(eng)
	return rate, retries, errors.Join(err, eng.Close())
}

// ingestConcurrently hands batches 0..n-1 to clients goroutines and returns
// events/s from the first send to the last acknowledgement.
func ingestConcurrently(clients, n, events int, send func(i int) (int64, error)) (float64, int64, error) {
	var next, retries atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				r, err := send(i)
				retries.Add(r)
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(events) / time.Since(start).Seconds(), retries.Load(), firstErr
}

// ingestRetrying calls Ingest until the buffer has room, as a client would.
func ingestRetrying(ctx context.Context, eng *engine.Engine, docs [][]byte) (int64, error) {
	for retries := int64(0); ; retries++ {
		res, err := eng.Ingest(ctx, engine.DefaultIndexID, docs, engine.IngestOptions{})
		if errors.Is(err, engine.ErrOverloaded) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if err == nil && len(res.Rejected) > 0 {
			err = fmt.Errorf("%d documents rejected: %s", len(res.Rejected), res.Rejected[0].Reason)
		}
		return retries, err
	}
}

// post sends one NDJSON body and retries 429 as loadgen's clients do.
func post(ctx context.Context, client *http.Client, url, encoding string, body []byte) (int64, error) {
	for retries := int64(0); ; retries++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return retries, err
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		if encoding != "" {
			req.Header.Set("Content-Encoding", encoding)
		}
		resp, err := client.Do(req)
		if err != nil {
			return retries, err
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			time.Sleep(5 * time.Millisecond)
			continue
		case resp.StatusCode != http.StatusOK:
			return retries, fmt.Errorf("POST %s: %s: %s", url, resp.Status, msg)
		case bytes.Contains(msg, []byte(`"num_rejected_docs":`)) && !bytes.Contains(msg, []byte(`"num_rejected_docs":0`)):
			return retries, fmt.Errorf("POST %s rejected documents: %s", url, msg)
		}
		return retries, nil
	}
}
