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

// prepareDemo makes the demo's history searchable before Serve prints its
// banner, and returns the live stream to start. The first run writes the
// last hour (with an incident half an hour ago); a later run on the same
// store writes only the time since its newest event, so running the demo
// twice continues it instead of doubling it. cfg.Reset deletes the demo's
// index first, to start clean.
func prepareDemo(ctx context.Context, eng *engine.Engine, cfg ServeConfig, out io.Writer) (live func(ctx context.Context, baseURL string) error, err error) {
	if cfg.Reset {
		if err := resetDemoIndex(eng); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "demo: deleted the %q index to start clean\n", engine.DefaultIndexID)
	}
	now := time.Now().UTC()
	from := now.Add(-demoBackfill)
	_, st, err := eng.DescribeIndex(engine.DefaultIndexID)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	continuing := st.Events > 0 && st.MaxTime > from.UnixNano()
	if continuing {
		from = time.Unix(0, st.MaxTime).UTC().Add(time.Millisecond)
	}
	if span := now.Sub(from); span > 0 {
		backfill := loadgen.Config{Seed: uint64(now.UnixNano()), Start: from, Span: span, Count: max(1, int(cfg.DemoRate*span.Seconds()))}
		if !continuing {
			backfill.Incident = loadgen.Incident{Start: now.Add(-demoBackfill / 2), Duration: 10 * time.Minute}
		}
		fmt.Fprintf(out, "demo: writing %d events from %s before the banner\n", backfill.Count, from.Format(time.TimeOnly))
		if err := writeBackfill(ctx, eng, backfill); err != nil {
			return nil, err
		}
		what := "the last hour"
		if continuing {
			what = fmt.Sprintf("the %s since the demo last ran (%d events were there)", span.Round(time.Second), st.Events)
		}
		fmt.Fprintf(out, "demo: wrote %d events over %s\n", backfill.Count, what)
	}
	incidentAt := now.Add(2 * time.Minute)
	return func(ctx context.Context, baseURL string) error {
		fmt.Fprintf(out, "demo: streaming %.0f events/s, incident on %s from %s\n", cfg.DemoRate, loadgen.DefaultIncidentService, incidentAt.Format(time.TimeOnly))
		live := loadgen.Config{
			Seed: uint64(now.UnixNano()) + 1, Start: now, Span: 24 * time.Hour, Clock: time.Now,
			Incident: loadgen.Incident{Start: incidentAt, Duration: 10 * time.Minute},
		}
		if err := live.Validate(); err != nil {
			return err
		}
		_, err := loadgen.Stream(ctx, loadgen.New(live), loadgen.StreamConfig{
			URL: baseURL + "/api/v1/logs/ingest", Rate: cfg.DemoRate, Batch: 500, Token: cfg.Token,
			Duration: 24 * time.Hour, Report: time.Minute, Out: out,
		})
		return err
	}, nil
}

func resetDemoIndex(eng *engine.Engine) error {
	if err := eng.DeleteIndex(engine.DefaultIndexID); err != nil && !errors.Is(err, engine.ErrIndexNotFound) {
		return fmt.Errorf("demo -reset: delete index %s: %w", engine.DefaultIndexID, err)
	}
	if err := eng.CreateIndex(engine.DefaultIndexConfig()); err != nil {
		return fmt.Errorf("demo -reset: create index %s: %w", engine.DefaultIndexID, err)
	}
	return nil
}

// writeBackfill ingests generated history straight into the engine; it is
// searchable once Ingest returns.
func writeBackfill(ctx context.Context, eng *engine.Engine, cfg loadgen.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	gen := loadgen.New(cfg)
	const batch = 5000
	docs := make([][]byte, 0, batch)
	for i := 0; i < cfg.Count; i++ {
		docs = append(docs, gen.AppendNext(nil))
		if len(docs) == batch || i == cfg.Count-1 {
			if err := ingestRetrying(ctx, eng, docs); err != nil {
				return fmt.Errorf("demo backfill: %w", err)
			}
			docs = docs[:0]
		}
	}
	return nil
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
