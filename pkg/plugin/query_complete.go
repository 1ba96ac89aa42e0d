package plugin

import (
	"context"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// refusePartial answers alert rules only from complete data. Grafana's
// alerting reads a response's error and drops frame notices, so a remote
// answer that left out failed splits or storage nodes (Warnings) becomes a
// *logstore.PartialError: the rule goes to its error state instead of
// evaluating a count with parts missing. (The embedded engine refuses such
// answers itself under engine.WithoutPartialResults.)
type refusePartial struct {
	logstore.Backend
}

func (b refusePartial) Search(ctx context.Context, req logstore.SearchRequest) (logstore.SearchResult, error) {
	res, err := b.Backend.Search(ctx, req)
	if err == nil {
		err = logstore.RefusePartial(res.Warnings)
	}
	return res, err
}

func (b refusePartial) Aggregate(ctx context.Context, req engine.AggRequest) (engine.AggResult, error) {
	res, err := b.Backend.Aggregate(ctx, req)
	if err == nil {
		err = logstore.RefusePartial(res.Warnings)
	}
	return res, err
}
