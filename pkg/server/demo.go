package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// demoBackfill is how much history the demo writes before it streams, so
// dashboards have something to show at once.
const demoBackfill = time.Hour

// runDemo fills the last hour with generated events through the engine,
// then streams live events with an incident starting two minutes in,
// through the HTTP ingest API as Vector would.
func runDemo(ctx context.Context, eng *engine.Engine, baseURL string, cfg ServeConfig, out io.Writer) error {
	now := time.Now().UTC()
	backfill := loadgen.Config{
		Seed: 1, Start: now.Add(-demoBackfill), Span: demoBackfill,
		Count:    int(cfg.DemoRate * demoBackfill.Seconds()),
		Incident: loadgen.Incident{Start: now.Add(-demoBackfill / 2), Duration: 10 * time.Minute},
	}
	if err := backfill.Validate(); err != nil {
		return err
	}
	gen := loadgen.New(backfill)
	const batch = 5000
	docs := make([][]byte, 0, batch)
	for i := 0; i < backfill.Count; i++ {
		docs = append(docs, gen.AppendNext(nil))
		if len(docs) == batch || i == backfill.Count-1 {
			if err := ingestRetrying(ctx, eng, docs); err != nil {
				return fmt.Errorf("demo backfill: %w", err)
			}
			docs = docs[:0]
		}
	}
	fmt.Fprintf(out, "demo: wrote %d events over the last hour; streaming %.0f events/s, incident on %s from %s\n",
		backfill.Count, cfg.DemoRate, loadgen.DefaultIncidentService, now.Add(2*time.Minute).Format(time.TimeOnly))
	live := loadgen.Config{
		Seed: 2, Start: now, Span: 24 * time.Hour, Clock: time.Now,
		Incident: loadgen.Incident{Start: now.Add(2 * time.Minute), Duration: 10 * time.Minute},
	}
	if err := live.Validate(); err != nil {
		return err
	}
	_, err := loadgen.Stream(ctx, loadgen.New(live), loadgen.StreamConfig{
		URL: baseURL + "/api/v1/logs/ingest", Rate: cfg.DemoRate, Batch: 500, Token: cfg.Token,
		Duration: 24 * time.Hour, Report: time.Minute, Out: out,
	})
	return err
}

// ingestRetrying waits out ErrOverloaded, as an HTTP client honouring 429
// would: the backfill outpaces flushing by design.
func ingestRetrying(ctx context.Context, eng *engine.Engine, docs [][]byte) error {
	for {
		_, err := eng.Ingest(ctx, engine.DefaultIndexID, docs, engine.IngestOptions{})
		if !errors.Is(err, engine.ErrOverloaded) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
