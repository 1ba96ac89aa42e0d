package merge

import (
	"container/heap"
	"context"
	"fmt"
	"slices"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// splitCursor walks one split's events in (Timestamp, Seq) order, holding
// one block's decoded columns at a time and reusing their buffers across
// blocks. Events are built from the columns only when handed out, so a
// cursor holds a block in its compact column form, not as events.
type splitCursor struct {
	s     *split.Split
	block int // next block to load
	rows  int
	pos   int

	tsCol, seqCol column.Column
	ts            []int64
	seqs          []uint64
	cols          []column.Column // one per field of the split, in s.fieldNames order
	present       []bool          // which fields the loaded block has
}

// next loads the following block; it reports false at the end of the split.
func (c *splitCursor) next() (bool, error) {
	for c.block < len(c.s.Meta.Blocks) {
		if err := c.load(c.block); err != nil {
			return false, fmt.Errorf("read block %d of split %s: %w", c.block, c.s.Meta.ID, err)
		}
		c.block++
		if c.rows > 0 {
			return true, nil
		}
	}
	return false, nil
}

func (c *splitCursor) load(block int) error {
	s := c.s
	var err error
	if c.ts, err = s.ReadTimestamps(block, &c.tsCol); err != nil {
		return err
	}
	if c.seqs, err = s.ReadSeqs(block, &c.seqCol); err != nil {
		return err
	}
	if c.cols == nil {
		c.cols = make([]column.Column, len(s.FieldNames))
		c.present = make([]bool, len(s.FieldNames))
	}
	for f, name := range s.FieldNames {
		_, c.present[f] = s.Meta.Blocks[block].Columns[name]
		if !c.present[f] {
			continue
		}
		if err := s.ReadColumn(block, name, &c.cols[f]); err != nil {
			return err
		}
	}
	c.rows, c.pos = len(c.ts), 0
	return nil
}

// appendEvent appends the event at the cursor to run, its fields to arena.
// A value's strings are the decoder's new memory, not the column buffers,
// so the event stays valid after the cursor moves on.
func (c *splitCursor) appendEvent(run []event.Event, arena []event.Field) ([]event.Event, []event.Field) {
	start := len(arena)
	for f, name := range c.s.FieldNames {
		if !c.present[f] {
			continue
		}
		if v, ok := c.cols[f].Value(c.pos); ok {
			arena = append(arena, event.Field{Name: name, Value: v})
		}
	}
	return append(run, event.Event{Timestamp: c.ts[c.pos], Seq: c.seqs[c.pos], Fields: arena[start:len(arena):len(arena)]}), arena
}

// cursorHeap orders cursors by their current event.
type cursorHeap []*splitCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.ts[a.pos] != b.ts[b.pos] {
		return a.ts[a.pos] < b.ts[b.pos]
	}
	return a.seqs[a.pos] < b.seqs[b.pos]
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*splitCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// Source is the k-way merge of splits' sorted blocks as an
// eventSource: it holds one block of decoded columns per input and builds
// one output run of events at a time, reusing its memory for the next run,
// so a merge's memory does not grow with the inputs' sizes. ctx is checked
// between input blocks.
type Source struct {
	ctx   context.Context
	h     cursorHeap
	run   []event.Event
	arena []event.Field // the run's fields
	// fields is the most fields an event of the inputs can have.
	fields int
	// lastTS and lastSeq are the previous event handed out (when read > 0),
	// to catch duplicates.
	lastTS  int64
	lastSeq uint64
	read    int
	total   int
}

func NewSource(ctx context.Context, splits []*split.Split) (*Source, error) {
	m := &Source{ctx: ctx, h: make(cursorHeap, 0, len(splits))}
	names := map[string]bool{}
	for _, s := range splits {
		m.total += s.Meta.Rows
		for _, n := range s.FieldNames {
			names[n] = true
		}
		c := &splitCursor{s: s}
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if ok {
			m.h = append(m.h, c)
		}
	}
	m.fields = len(names)
	heap.Init(&m.h)
	return m, nil
}

// NextRun returns the next up to n merged events; they and their fields
// are valid until the next call.
func (m *Source) NextRun(n int) ([]event.Event, error) {
	m.run = m.run[:0]
	if cap(m.arena) < n*m.fields {
		m.arena = make([]event.Field, 0, n*m.fields)
	}
	m.arena = m.arena[:0]
	for len(m.run) < n && len(m.h) > 0 {
		c := m.h[0]
		ts, seq := c.ts[c.pos], c.seqs[c.pos]
		if m.read > 0 && m.lastTS == ts && m.lastSeq == seq {
			// Seqs are unique per index: the same one twice means two inputs
			// hold the same event, and merging would hide the damage.
			return nil, fmt.Errorf("merge: seq %d appears twice (split %s and an earlier input)", seq, c.s.Meta.ID)
		}
		m.run, m.arena = c.appendEvent(m.run, m.arena)
		m.lastTS, m.lastSeq = ts, seq
		m.read++
		c.pos++
		if c.pos < c.rows {
			heap.Fix(&m.h, 0)
			continue
		}
		if err := m.ctx.Err(); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(&m.h, 0)
		} else {
			heap.Pop(&m.h)
		}
	}
	if len(m.h) == 0 && m.read != m.total {
		return nil, fmt.Errorf("merge: read %d events, the inputs' metadata says %d", m.read, m.total)
	}
	return m.run, nil
}

// SplitEvents returns all the merged events of splits at once, with
// their own memory, for tests and benchmarks of the merge order.
func SplitEvents(ctx context.Context, splits []*split.Split) ([]event.Event, error) {
	m, err := NewSource(ctx, splits)
	if err != nil {
		return nil, err
	}
	out := make([]event.Event, 0, m.total)
	for {
		run, err := m.NextRun(split.DefaultBlockRows)
		if err != nil {
			return nil, err
		}
		if len(run) == 0 {
			return out, nil
		}
		for _, ev := range run {
			ev.Fields = slices.Clone(ev.Fields)
			out = append(out, ev)
		}
	}
}
