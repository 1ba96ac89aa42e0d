package agg

import "github.com/triage-logs/triage/pkg/engine/budget"

// Options are what the collectors of one request need to know of it.
type Options struct {
	// Start and End bound the time range, [Start, End) in Unix nanoseconds,
	// search.MinTime and search.MaxTime when open; date histograms fill
	// empty buckets over it.
	Start, End int64
	MaxBuckets int
	// TimestampField is read from the timestamp column; Canonical maps a
	// field name to the one the columns use (the timestamp's aliases).
	TimestampField string
	Canonical      func(string) string
	// Meter charges the collectors and keys the request builds.
	Meter *budget.Meter
}

// Request is a validated aggregation request, ready to run over a scan.
type Request struct {
	env   *aggEnv
	specs []Spec
}

// New validates specs and refuses, as a budget.InvalidRequest, a request
// that can never succeed (bad settings, more buckets than MaxBuckets).
func New(specs []Spec, o Options) (*Request, error) {
	env := &aggEnv{slots: map[string]int{}, start: o.Start, end: o.End, maxBuckets: o.MaxBuckets,
		tsField: o.TimestampField, canonical: o.Canonical, budget: o.Meter}
	if err := env.check(specs, 1); err != nil {
		return nil, budget.InvalidRequest(err)
	}
	if _, ok := env.slots[env.tsField]; ok {
		env.needTS = true
	}
	return &Request{env: env, specs: specs}, nil
}

// Run makes the passes the request needs (see passes.go); scan feeds one
// pass's Root every matching block and head event. It returns the last
// pass's Root, or scan's error.
func (r *Request) Run(scan func(*Root) error) (*Root, error) {
	return r.env.runPasses(scan, r.specs)
}

// Results are root's aggregations, one per spec in request order, or the
// error that stopped collecting (a memory *budget.LimitError).
func (r *Request) Results(root *Root) ([]Value, error) {
	if r.env.err != nil {
		return nil, r.env.err
	}
	values := results(r.specs, root.colls)
	if r.env.err != nil {
		return nil, r.env.err
	}
	return values, nil
}

// DocCount is the number of matching events the pass saw.
func (a *Root) DocCount() int64 { return a.docs }
