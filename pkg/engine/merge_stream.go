package engine

import (
	"container/heap"
	"context"
	"fmt"
)

// splitCursor walks one split's events in (Timestamp, Seq) order, holding
// one decoded block at a time and reusing its column buffers across blocks.
type splitCursor struct {
	s     *Split
	block int // next block to load
	buf   []Event
	pos   int

	ts, seq Column
	cols    []Column // one per field of the split, in s.fieldNames order
}

// next loads the following block; it reports false at the end of the split.
func (c *splitCursor) next() (bool, error) {
	if c.block >= len(c.s.Meta.Blocks) {
		return false, nil
	}
	evs, err := c.readBlock(c.block)
	if err != nil {
		return false, fmt.Errorf("read block %d of split %s: %w", c.block, c.s.Meta.ID, err)
	}
	c.block++
	c.buf, c.pos = evs, 0
	return len(c.buf) > 0, nil
}

// readBlock rebuilds a block's events like Split.ReadEvents, but sizes
// every event's fields exactly, in one array per block, before filling
// them: merged events are held until WriteSplit is done, and ReadEvents'
// appended, doubling field slices cost ~2.5× the memory and allocations.
func (c *splitCursor) readBlock(block int) ([]Event, error) {
	s := c.s
	times, err := s.ReadTimestamps(block, &c.ts)
	if err != nil {
		return nil, err
	}
	seqs, err := s.ReadSeqs(block, &c.seq)
	if err != nil {
		return nil, err
	}
	if c.cols == nil {
		c.cols = make([]Column, len(s.fieldNames))
	}
	counts := make([]int32, len(times))
	present := make([]bool, len(s.fieldNames))
	total := 0
	for f, name := range s.fieldNames {
		if _, ok := s.Meta.Blocks[block].Columns[name]; !ok {
			continue
		}
		if err := s.ReadColumn(block, name, &c.cols[f]); err != nil {
			return nil, err
		}
		present[f] = true
		for r := range counts {
			if c.cols[f].IsPresent(r) {
				counts[r]++
				total++
			}
		}
	}
	arena := make([]Field, total)
	evs := make([]Event, len(times))
	for r := range evs {
		n := int(counts[r])
		evs[r] = Event{Timestamp: times[r], Seq: seqs[r], Fields: arena[:0:n]}
		arena = arena[n:]
	}
	for f, name := range s.fieldNames {
		if !present[f] {
			continue
		}
		for r := range evs {
			if v, ok := c.cols[f].Value(r); ok {
				evs[r].Fields = append(evs[r].Fields, Field{Name: name, Value: v})
			}
		}
	}
	return evs, nil
}

// cursorHeap orders cursors by their current event.
type cursorHeap []*splitCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	return h[i].buf[h[i].pos].Before(&h[j].buf[h[j].pos])
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*splitCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// mergeSplitEvents returns the events of splits in (Timestamp, Seq) order: a
// k-way merge of their sorted blocks, decoding one block per split at a
// time. The result is what WriteSplit needs in memory; beyond it the merge
// holds one block per input. ctx is checked between blocks.
func mergeSplitEvents(ctx context.Context, splits []*Split) ([]Event, error) {
	total := 0
	for _, s := range splits {
		total += s.Meta.Rows
	}
	out := make([]Event, 0, total)
	h := make(cursorHeap, 0, len(splits))
	for _, s := range splits {
		c := &splitCursor{s: s}
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if ok {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	for len(h) > 0 {
		c := h[0]
		ev := c.buf[c.pos]
		if n := len(out); n > 0 && out[n-1].Timestamp == ev.Timestamp && out[n-1].Seq == ev.Seq {
			// Seqs are unique per index: the same one twice means two inputs
			// hold the same event, and merging would hide the damage.
			return nil, fmt.Errorf("merge: seq %d appears twice (split %s and an earlier input)", ev.Seq, c.s.Meta.ID)
		}
		out = append(out, ev)
		c.pos++
		if c.pos < len(c.buf) {
			heap.Fix(&h, 0)
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	if len(out) != total {
		return nil, fmt.Errorf("merge: read %d events, the inputs' metadata says %d", len(out), total)
	}
	return out, nil
}
