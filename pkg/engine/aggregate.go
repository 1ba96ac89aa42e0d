package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/engine/agg"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// AggRequest asks for aggregations over the events of one index matching a
// query in [Start, End).
type AggRequest struct {
	Index string
	Query string
	// Start and End bound event timestamps, [Start, End); date histograms
	// need both and fill empty buckets over the whole range.
	Start, End time.Time
	Aggs       []Agg
	// SearchFields, when set, replaces the index's default search fields
	// for the query's terms without a field (see SearchRequest).
	SearchFields []string
	// MaxBuckets overrides DefaultMaxBuckets when positive.
	MaxBuckets int
	// Now anchors date math in the query; zero means time.Now().
	Now time.Time
}

// AggResult is the answer to an AggRequest.
type AggResult struct {
	// DocCount is the number of matching events in the range.
	DocCount int64
	// Aggs holds one value per requested Agg, in request order.
	Aggs []AggValue
	// SkippedSplits and Warnings report damaged splits left out.
	SkippedSplits []string
	Warnings      []string
}

// Aggregate computes req.Aggs over the matching events. Only the columns
// the aggregations name (and the timestamps, for date histograms) are read,
// only for blocks the filter keeps.
func (e *Engine) Aggregate(ctx context.Context, req AggRequest) (AggResult, error) {
	maxBuckets := req.MaxBuckets
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxBuckets
	}
	ctx, cancel, meter := e.startQuery(ctx)
	defer cancel()
	p, err := e.planQuery(req.Index, req.Query, req.SearchFields, req.Start, req.End, req.Now, false)
	if err != nil {
		return AggResult{}, err
	}
	defer p.release()
	p.Meter = meter
	run, err := agg.New(req.Aggs, agg.Options{Start: p.Start, End: p.End, MaxBuckets: maxBuckets,
		TimestampField: p.schema.TimestampField(), Canonical: p.schema.m.canonicalField, Meter: meter})
	if err != nil {
		return AggResult{}, err
	}
	root, err := run.Run(func(root *agg.Root) error { return p.Run(ctx, aggVisitor{root}) })
	if err != nil {
		return AggResult{}, fmt.Errorf("aggregate index %q: %w", req.Index, err)
	}
	values, err := run.Results(root)
	if err != nil {
		return AggResult{}, err
	}
	res := AggResult{DocCount: root.DocCount(), Aggs: values, SkippedSplits: p.Skipped, Warnings: p.Warnings}
	if err := e.checkPartial(ctx, p); err != nil {
		return AggResult{}, err
	}
	return res, nil
}

// aggVisitor feeds an aggregation pass's Root from the scan: every block
// (a pass cannot skip one by its metadata) and every matching head event.
type aggVisitor struct{ root *agg.Root }

func (v aggVisitor) WantBlock(*split.BlockMeta) bool  { return true }
func (v aggVisitor) Block(bs *search.BlockScan) error { return v.root.Block(bs) }
func (v aggVisitor) Event(ev *event.Event) bool       { return v.root.Event(ev) }

// CheckAggs validates req's aggregations as Aggregate does (each kind's
// settings, metrics, the bucket limit) without reading data, so a remote
// backend refuses, with the same message, what the engine would refuse.
func CheckAggs(req AggRequest) error {
	maxBuckets := req.MaxBuckets
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxBuckets
	}
	return agg.Check(req.Aggs, search.TimeBound(req.Start, minTime), search.TimeBound(req.End, maxTime), maxBuckets)
}
