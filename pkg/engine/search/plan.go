package search

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// QueryError reports a query text that cannot run: a syntax error (Err
// wraps *query.SyntaxError, so the editor can underline its position) or a
// clause that does not fit the index mapping.
type QueryError struct {
	Query string
	Err   error
}

// Error names the query and the problem ("… at column 9" for syntax errors).
func (e *QueryError) Error() string { return fmt.Sprintf("query %q: %v", e.Query, e.Err) }

// Unwrap exposes the cause, so errors.As finds a *query.SyntaxError.
func (e *QueryError) Unwrap() error { return e.Err }

// Snapshot is what a plan reads of an index: the splits and the head events
// (in (Timestamp, Seq) order) of one moment, which stay readable until the
// plan's owner releases them.
type Snapshot interface {
	Splits() []*split.Split
	Events() []event.Event
}

// Schema is what a query compiles against: the field types the resolver
// asks about and the column kinds the filters need.
type Schema interface {
	query.Schema
	Env
}

// Query is one query as a Plan compiles it.
type Query struct {
	Text string
	// Now anchors date math in the text; zero means time.Now().
	Now    time.Time
	Limits query.Limits
	// Start and End bound event timestamps, [Start, End); a zero end is open.
	Start, End time.Time
	// Desc scans newest first.
	Desc bool
}

// Plan is one query's work over one snapshot: the compiled filter, the
// time range and the splits that may hold rows of it, in scan order.
type Plan struct {
	Filter Filter
	// Start and End bound the Unix-ns timestamps, [Start, End).
	Start, End int64
	Desc       bool
	Splits     []*split.Split
	// Skipped names the damaged splits whose rows were left out from the
	// damage on; Warnings say why.
	Skipped  []string
	Warnings []string
	// Meter charges what the query builds (see budget.Limits).
	Meter *budget.Meter
	// OnBlock, when set, is called for every block the scan reads.
	OnBlock func()
	// Damage is the index's damage log: skips are counted there too.
	Damage *quarantine.Log
	// Cache, when set, keeps the filter's rows of whole blocks across
	// queries (match_cache.go); matchKey is this filter's key in it.
	Cache    *MatchCache
	matchKey string

	snap   Snapshot
	schema Schema
	// text, now and limits are what the filter was compiled from, so a
	// parallel worker can compile its own (filters keep scratch buffers).
	text   string
	now    time.Time
	limits query.Limits
}

// NewPlan compiles q against schema and picks the splits of snap that
// overlap its range, in scan order. Errors are a *QueryError for the text
// and a budget.InvalidRequest for an empty range.
func NewPlan(q Query, snap Snapshot, schema Schema) (*Plan, error) {
	p := &Plan{snap: snap, schema: schema, Desc: q.Desc}
	if err := p.compile(q.Text, q.Now, q.Limits); err != nil {
		return nil, err
	}
	p.Start, p.End = TimeBound(q.Start, MinTime), TimeBound(q.End, MaxTime)
	if !q.Start.IsZero() && !q.End.IsZero() && !q.End.After(q.Start) {
		return nil, budget.InvalidRequest(fmt.Errorf("time range [%s, %s) is empty: the end must be after the start", q.Start.Format(time.RFC3339Nano), q.End.Format(time.RFC3339Nano)))
	}
	for _, s := range snap.Splits() {
		if s.Meta.Rows > 0 && s.Meta.MaxTime >= p.Start && s.Meta.MinTime < p.End {
			p.Splits = append(p.Splits, s)
		}
	}
	sort.Slice(p.Splits, func(i, j int) bool {
		a, b := &p.Splits[i].Meta, &p.Splits[j].Meta
		if q.Desc {
			return a.MaxTime > b.MaxTime
		}
		return a.MinTime < b.MinTime
	})
	return p, nil
}

// TimeBound converts a range end; the zero time leaves it open.
func TimeBound(t time.Time, open int64) int64 {
	if t.IsZero() {
		return open
	}
	return query.UnixNanos(t)
}

func (p *Plan) compile(text string, now time.Time, lim query.Limits) error {
	if now.IsZero() {
		now = time.Now()
	}
	p.text, p.now, p.limits = text, now, lim
	node, err := query.ParseWithLimits(text, lim)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	f, err := query.Resolve(node, p.schema, now)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	p.Filter, p.matchKey, err = compileKeyed(f, p.schema)
	if err != nil {
		return &QueryError{Query: text, Err: err}
	}
	return nil
}

// Skip records a damaged split, once; the query goes on with the others.
func (p *Plan) Skip(s *split.Split, err error) {
	if slices.Contains(p.Skipped, s.Meta.ID) {
		return
	}
	p.Skipped = append(p.Skipped, s.Meta.ID)
	p.Damage.DamagedRead(s.Meta.ID, err)
	p.warn(fmt.Sprintf("split %s is damaged and was read only up to the damage: %v", s.Meta.ID, err))
}

// warn records a warning once, however many passes meet its cause.
func (p *Plan) warn(msg string) {
	if !slices.Contains(p.Warnings, msg) {
		p.Warnings = append(p.Warnings, msg)
	}
}

// blockRange returns the rows of block b of s inside [start, end), using
// the block's time bounds and, only when they straddle an end, its
// timestamps.
func (p *Plan) blockRange(br *BlockReader, bm *split.BlockMeta) (lo, hi int, err error) {
	if bm.MinTime >= p.Start && bm.MaxTime < p.End {
		return 0, bm.Rows, nil
	}
	ts, err := br.Timestamps()
	if err != nil {
		return 0, 0, err
	}
	lo = sort.Search(len(ts), func(i int) bool { return ts[i] >= p.Start })
	hi = sort.Search(len(ts), func(i int) bool { return ts[i] >= p.End })
	return lo, hi, nil
}

// headRange returns the head events inside [start, end).
func (p *Plan) headRange() []event.Event {
	ev := p.snap.Events()
	lo := sort.Search(len(ev), func(i int) bool { return ev[i].Timestamp >= p.Start })
	hi := sort.Search(len(ev), func(i int) bool { return ev[i].Timestamp >= p.End })
	return ev[lo:hi]
}
