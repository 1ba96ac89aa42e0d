package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// liveStats says what the background ingest achieved while queries ran,
// so a p99 "under ingest" is never quoted for a load that did not happen.
type liveStats struct {
	target   float64
	events   int64
	elapsed  time.Duration
	overload int64
}

func (s liveStats) rate() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(s.events) / s.elapsed.Seconds()
}

// liveIngest feeds new events stamped with the current time into the
// engine at a fixed rate until stopped.
type liveIngest struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	start    time.Time
	target   float64
	events   atomic.Int64
	overload atomic.Int64
	mu       sync.Mutex
	err      error
}

// startLiveIngest paces batches of batch events at rate events/s from one
// generator goroutine to writers ingest goroutines; a batch that cannot be
// ingested on time waits, so the achieved rate is reported, not assumed.
func startLiveIngest(ctx context.Context, eng *engine.Engine, rate float64, batch, writers int) *liveIngest {
	ctx, cancel := context.WithCancel(ctx)
	l := &liveIngest{cancel: cancel, start: time.Now(), target: rate}
	gen := loadgen.New(loadgen.Config{Seed: 2, Count: 1_000_000_000, Clock: time.Now})
	batches := make(chan [][]byte, writers)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(batches)
		sent := 0
		for ctx.Err() == nil {
			b := make([][]byte, batch)
			for i := range b {
				b[i] = gen.AppendNext(nil)
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			sent += batch
			due := l.start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
			select {
			case <-time.After(time.Until(due)):
			case <-ctx.Done():
				return
			}
		}
	}()
	for range writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for b := range batches {
				l.ingest(eng, b)
			}
		}()
	}
	return l
}

func (l *liveIngest) ingest(eng *engine.Engine, b [][]byte) {
	for {
		// Not the cancellable context: a batch handed over is finished.
		res, err := eng.Ingest(context.Background(), engine.DefaultIndexID, b, engine.IngestOptions{})
		if errors.Is(err, engine.ErrOverloaded) {
			l.overload.Add(1)
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if err != nil {
			l.mu.Lock()
			l.err = errors.Join(l.err, err)
			l.mu.Unlock()
			return
		}
		l.events.Add(int64(res.Accepted))
		return
	}
}

// stop ends the ingest, waits for batches in flight and reports the rate.
func (l *liveIngest) stop() (liveStats, error) {
	l.cancel()
	l.wg.Wait()
	st := liveStats{target: l.target, events: l.events.Load(), elapsed: time.Since(l.start), overload: l.overload.Load()}
	return st, l.err
}
