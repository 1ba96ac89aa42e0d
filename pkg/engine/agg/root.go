package agg

import (
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Block is one block of a split under scan, as a Root reads it: its
// matching rows are computed only when asked for, so a block counted whole
// is never decoded.
type Block interface {
	// Full reports whether every row of the block matches.
	Full() bool
	Meta() *split.BlockMeta
	Matches() (search.Rows, error)
	Reader() *search.BlockReader
}

// Root takes one pass's matching rows, block by block from splits and
// event by event from the head, into the request's collectors.
type Root struct {
	env   *aggEnv
	colls []collector
	docs  int64
	row   aggRow
	cols  []*column.Column
	// rowColls are the collectors that need this block row by row.
	rowColls []collector
	hints    []int // per slot, for fieldIndex
}

// Block collects a block's matching rows; it reads only the columns the
// request names, and none when the block is counted whole.
func (a *Root) Block(bs Block) error {
	if bs.Full() && a.countOnly(bs.Meta()) {
		a.docs += int64(bs.Meta().Rows)
		return nil
	}
	sel, err := bs.Matches()
	if err != nil {
		return err
	}
	n := sel.Count()
	if n == 0 || len(a.colls) == 0 {
		a.docs += int64(n)
		return nil
	}
	var ts []int64
	if a.env.needTS {
		if ts, err = bs.Reader().Timestamps(); err != nil {
			return err
		}
	}
	a.cols = a.cols[:0]
	for _, f := range a.env.fields {
		if f == a.env.tsField {
			a.cols = append(a.cols, nil) // filled from ts per row
			continue
		}
		c, err := bs.Reader().Column(f)
		if err != nil {
			return err
		}
		a.cols = append(a.cols, c)
	}
	// Counted once every column is read, so a damaged block adds nothing.
	a.docs += int64(n)
	a.rowColls = a.rowColls[:0]
	for _, c := range a.colls {
		if bc, ok := c.(blockCollector); !ok || !bc.collectBlock(sel, ts, a.cols) {
			a.rowColls = append(a.rowColls, c)
		}
	}
	if len(a.rowColls) == 0 {
		return a.env.err
	}
	a.row.vals = column.ReuseSlice(a.row.vals, len(a.cols))
	a.row.has = column.ReuseSlice(a.row.has, len(a.cols))
	sel.ForEach(func(r int) {
		if ts != nil {
			a.row.ts = ts[r]
		}
		for i, c := range a.cols {
			if c == nil {
				a.row.vals[i], a.row.has[i] = event.TimeNanosValue(ts[r]), true
				continue
			}
			a.row.vals[i], a.row.has[i] = c.Value(r)
		}
		for _, c := range a.rowColls {
			c.collect(&a.row)
		}
	})
	return a.env.err
}

// countOnly hands a whole block to collectors that can take it by count;
// it succeeds only if every collector does.
func (a *Root) countOnly(bm *split.BlockMeta) bool {
	for _, c := range a.colls {
		cc, ok := c.(countCollector)
		if !ok || !cc.collectCount(bm.MinTime, bm.MaxTime, 0) {
			return false
		}
	}
	for _, c := range a.colls {
		c.(countCollector).collectCount(bm.MinTime, bm.MaxTime, bm.Rows)
	}
	return true
}

// Event collects one matching head event; false stops the head scan.
func (a *Root) Event(ev *event.Event) bool {
	a.docs++
	a.row.ts = ev.Timestamp
	a.row.vals = column.ReuseSlice(a.row.vals, len(a.env.fields))
	a.row.has = column.ReuseSlice(a.row.has, len(a.env.fields))
	a.hints = column.ReuseSlice(a.hints, len(a.env.fields))
	for i, f := range a.env.fields {
		if f == a.env.tsField {
			a.row.vals[i], a.row.has[i] = event.TimeNanosValue(ev.Timestamp), true
			continue
		}
		if j := event.FieldIndex(ev, f, &a.hints[i]); j >= 0 {
			a.row.vals[i], a.row.has[i] = ev.Fields[j].Value, true
		} else {
			a.row.vals[i], a.row.has[i] = event.Value{}, false
		}
	}
	for _, c := range a.colls {
		c.collect(&a.row)
	}
	return a.env.err == nil
}
