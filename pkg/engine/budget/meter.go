package budget

import "github.com/triage-logs/triage/pkg/engine/event"

// Meter charges what one query builds against its memory limit. One query
// runs on one goroutine, so it needs no lock.
type Meter struct {
	limit, used int64
}

// Charge adds n bytes, failing with a memory *LimitError once the total
// passes the limit.
func (m *Meter) Charge(n int64) error {
	m.used += n
	if m.used > m.limit {
		return &LimitError{Limit: LimitMemory, MaxBytes: m.limit}
	}
	return nil
}

// Reset forgets what was charged, for a query that drops everything it
// built and starts again (an aggregation's next pass over the rows).
func (m *Meter) Reset() { m.used = 0 }

// ChargeEvents charges the events a search rebuilt for its hits.
func (m *Meter) ChargeEvents(events []event.Event) error {
	n := int64(0)
	for i := range events {
		n += event.MemSize(&events[i])
	}
	return m.Charge(n)
}

// termKeyBaseCost approximates what a distinct key costs beyond its bytes
// (map entry, bucket) where a query counts distinct values.
const termKeyBaseCost = 160

// TermKeyCost is what one distinct value costs a terms aggregation or a
// field-values listing that keeps it.
func TermKeyCost(v *event.Value) int64 { return termKeyBaseCost + int64(len(v.Str)) }
