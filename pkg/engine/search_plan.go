package engine

import (
	"time"

	"github.com/triage-logs/triage/pkg/engine/search"
)

// scanPlan is a search.Plan over a snapshot the engine took for it, with
// what the engine's callers read besides: the index, its schema, and the
// hold on background work the query keeps until release.
type scanPlan struct {
	*search.Plan
	index  string
	snap   *Snapshot
	schema *indexSchema
	// done ends the query's hold on background work (priority.Gate).
	done func()
}

// planQuery takes a snapshot of index and compiles text against it. The
// caller must release the plan.
func (e *Engine) planQuery(index, text string, fields []string, start, end, now time.Time, desc bool) (*scanPlan, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return nil, err
	}
	snap, err := e.Snapshot(index)
	if err != nil {
		return nil, err
	}
	p := &scanPlan{index: index, snap: snap, schema: newIndexSchema(ix.mapper.Load(), snap), done: e.gate.Foreground()}
	p.schema.heads = headKindsOf(ix)
	if err := p.schema.searchIn(fields); err != nil {
		p.release()
		return nil, &QueryError{Query: text, Err: err}
	}
	q := search.Query{Text: text, Now: now, Limits: e.opts.Limits.ParseLimits(), Start: start, End: end, Desc: desc}
	if p.Plan, err = search.NewPlan(q, snap, p.schema); err != nil {
		p.release()
		return nil, err
	}
	p.OnBlock = e.opts.OnBlockScanned
	p.Cache = e.matches
	// What Open set aside in this range is missing from the answer too.
	p.Damage = ix.damage
	p.Skipped, p.Warnings = ix.damage.QueryNotes(p.Start, p.End)
	return p, nil
}

// The open ends of a time range (see search.MinTime).
const (
	minTime = search.MinTime
	maxTime = search.MaxTime
)

// release ends the query: its snapshot and its hold on background work.
func (p *scanPlan) release() {
	p.snap.Release()
	p.done()
}
