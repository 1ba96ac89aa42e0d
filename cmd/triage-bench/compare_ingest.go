package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// ndjsonBody is one request's events, newline-delimited JSON.
type ndjsonBody struct {
	data   []byte
	events int
}

// bodyPool recycles bodies between the generator and the senders, so the
// client allocates a few bodies, not one per request.
type bodyPool chan []byte

func newBodyPool(n, size int) bodyPool {
	p := make(bodyPool, n)
	for range n {
		p <- make([]byte, 0, size)
	}
	return p
}

// produceBodies fills bodies of at most bodyBytes with events from gen
// until count events (count 0: until ctx ends). With rate > 0 a body is
// released when its last event is due at rate events/s, so the achieved
// rate shows whether the server kept up. out is closed at the end.
func produceBodies(ctx context.Context, gen *loadgen.Generator, count, bodyBytes int, rate float64, pool bodyPool, out chan<- ndjsonBody) {
	defer close(out)
	start := time.Now()
	sent := 0
	for count == 0 || sent < count {
		var buf []byte
		select {
		case buf = <-pool:
		case <-ctx.Done():
			return
		}
		b := ndjsonBody{data: buf[:0]}
		// An event is under 1 KiB, so stopping 1 KiB short keeps the body
		// under bodyBytes.
		for len(b.data) < bodyBytes-1024 && (count == 0 || sent+b.events < count) {
			b.data = gen.AppendNext(b.data)
			b.data = append(b.data, '\n')
			b.events++
		}
		sent += b.events
		if rate > 0 {
			due := start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
			select {
			case <-time.After(time.Until(due)):
			case <-ctx.Done():
				return
			}
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
	}
}

// sendResult is what the senders achieved.
type sendResult struct {
	events  atomic.Int64 // acknowledged
	retries atomic.Int64 // retryable answers (429, 503, …) retried
	mu      sync.Mutex
	err     error
}

func (r *sendResult) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = errors.Join(r.err, err)
}

// sendBodies posts the bodies of in from streams concurrent clients,
// retrying retryable answers after the server's Retry-After as Vector does,
// and returns the bodies to pool. A body handed to a sender is delivered
// even after ctx ends, so what was sent is what was counted.
func sendBodies(sys benchSystem, streams int, in <-chan ndjsonBody, pool bodyPool, res *sendResult) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range in {
				if err := deliver(sys, b.data, res); err != nil {
					res.fail(err)
				} else {
					res.events.Add(int64(b.events))
				}
				pool <- b.data
			}
		}()
	}
	return &wg
}

func deliver(sys benchSystem, body []byte, res *sendResult) error {
	for {
		req, err := sys.ingestRequest(context.Background(), body)
		if err != nil {
			return err
		}
		_, err = fetch(req)
		var st *statusError
		if errors.As(err, &st) && st.retryable() {
			res.retries.Add(1)
			time.Sleep(st.wait())
			continue
		}
		if err != nil {
			return fmt.Errorf("%s ingest: %w", sys.name(), err)
		}
		return nil
	}
}

// ingestFigures is what a bulk ingest of the generated day cost a system.
type ingestFigures struct {
	events  int64
	elapsed time.Duration // first request to all events searchable
	cpu     time.Duration // the server's CPU time over elapsed
	// cpuStart is the server's CPU time when ingest began, so the CPU
	// until background work settles can be told too.
	cpuStart time.Duration
	retries  int64
	load     loadSpan
}

// bulkIngest sends the generated day (seed 1, events events) to sys from
// streams clients in bodies of bodyBytes, and waits until a count over the
// day finds every event.
func bulkIngest(ctx context.Context, sys benchSystem, events, streams, bodyBytes int, day window) (ingestFigures, error) {
	f := ingestFigures{events: int64(events), load: startLoad()}
	cpu0, err := procCPU(sys.pid())
	if err != nil {
		return f, err
	}
	f.cpuStart = cpu0
	pool := newBodyPool(streams+2, bodyBytes)
	bodies := make(chan ndjsonBody, streams)
	var res sendResult
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go produceBodies(ctx, loadgen.New(loadgen.Config{Seed: 1, Count: events}), events, bodyBytes, 0, pool, bodies)
	sendBodies(sys, streams, bodies, pool, &res).Wait()
	if res.err != nil {
		return f, res.err
	}
	if err := waitSearchable(ctx, sys, day, int64(events)); err != nil {
		return f, err
	}
	f.elapsed = time.Since(start)
	cpu1, err := procCPU(sys.pid())
	f.cpu, f.retries = cpu1-cpu0, res.retries.Load()
	f.load.end()
	return f, err
}

// waitSearchable polls a count over w until it reaches want (10 ms apart,
// so the wait adds little to the measured time), for at most ten minutes.
func waitSearchable(ctx context.Context, sys benchSystem, w window, want int64) error {
	deadline := time.Now().Add(10 * time.Minute)
	var got int64
	for {
		req, err := sys.countRequest(ctx, w)
		if err != nil {
			return err
		}
		body, err := fetch(req)
		if err == nil {
			got, err = sys.parseCount(body)
		}
		if err != nil {
			return fmt.Errorf("%s: count searchable events: %w", sys.name(), err)
		}
		if got == want {
			return nil
		}
		if got > want {
			return fmt.Errorf("%s counts %d events in the day, more than the %d sent", sys.name(), got, want)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: only %d of %d events searchable after ten minutes", sys.name(), got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveIngestHTTP streams new events (stamped with the current time, so
// they lie outside the queried day) to sys at rate events/s until stopped.
type liveIngestHTTP struct {
	cancel context.CancelFunc
	wg     *sync.WaitGroup
	start  time.Time
	res    sendResult
}

func startLiveHTTP(sys benchSystem, rate float64, streams, bodyBytes int) *liveIngestHTTP {
	ctx, cancel := context.WithCancel(context.Background())
	l := &liveIngestHTTP{cancel: cancel, start: time.Now()}
	pool := newBodyPool(streams+2, bodyBytes)
	bodies := make(chan ndjsonBody, streams)
	gen := loadgen.New(loadgen.Config{Seed: 2, Count: 1_000_000_000, Clock: time.Now})
	go produceBodies(ctx, gen, 0, bodyBytes, rate, pool, bodies)
	l.wg = sendBodies(sys, streams, bodies, pool, &l.res)
	return l
}

// stop ends the stream, waits for the bodies in flight and returns the
// events/s acknowledged over the run.
func (l *liveIngestHTTP) stop() (float64, int64, error) {
	l.cancel()
	l.wg.Wait()
	return float64(l.res.events.Load()) / time.Since(l.start).Seconds(), l.res.retries.Load(), l.res.err
}
