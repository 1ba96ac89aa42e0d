package engine

import (
	"context"
	"fmt"
	"strings"
)

// PartialResultError is returned instead of an answer that would leave out
// damaged splits, when the caller asked for complete answers only.
type PartialResultError struct {
	Index         string
	SkippedSplits []string
	Warnings      []string
}

func (e *PartialResultError) Error() string {
	return fmt.Sprintf("index %q: %d damaged splits could not be read whole (%s), so the answer would be partial: %s",
		e.Index, len(e.SkippedSplits), strings.Join(e.SkippedSplits, ", "), strings.Join(e.Warnings, "; "))
}

type completeOnlyKey struct{}

// WithoutPartialResults makes the queries run with ctx fail with
// *PartialResultError rather than answer without damaged splits, as
// Elasticsearch's allow_partial_search_results=false does. Alert rules
// want this: a count missing a damaged split's rows is a wrong answer,
// not a smaller one.
func WithoutPartialResults(ctx context.Context) context.Context {
	return context.WithValue(ctx, completeOnlyKey{}, true)
}

// checkPartial reports a query that left out damaged splits: to
// Options.OnPartialResult, and as an error when ctx wants complete answers.
func (e *Engine) checkPartial(ctx context.Context, p *scanPlan) error {
	if len(p.Skipped) == 0 {
		return nil
	}
	if e.opts.OnPartialResult != nil {
		e.opts.OnPartialResult(p.index, p.Skipped)
	}
	if ctx.Value(completeOnlyKey{}) != nil {
		return &PartialResultError{Index: p.index, SkippedSplits: p.Skipped, Warnings: p.Warnings}
	}
	return nil
}
