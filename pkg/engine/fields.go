package engine

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine/agg"
	"github.com/triage-logs/triage/pkg/engine/budget"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/search"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// FieldInfo describes one field of an index for the query editor: ad hoc
// filters and variables list fields and their types from it.
type FieldInfo struct {
	Name string
	// Type is the mapping's type name (text, i64, u64, f64, bool, datetime,
	// ip, json); a dynamic field gets the type of the values it holds.
	Type string
	// Aggregatable reports whether terms and metrics on the field make
	// sense: every column is, except free text tokenized into words.
	Aggregatable bool
}

// Fields lists the mapped fields of index and the dynamic ones found in
// its splits and head, sorted by name.
func (e *Engine) Fields(index string) ([]FieldInfo, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return nil, err
	}
	snap, err := e.Snapshot(index)
	if err != nil {
		return nil, err
	}
	defer snap.Release()
	m := ix.mapper.Load()
	sc := newIndexSchema(m, snap)
	sc.heads = headKindsOf(ix)
	var out []FieldInfo
	for _, name := range sc.FieldNames() {
		if r, ok := m.fields[name]; ok {
			typ := r.typ
			if r.array {
				typ = "array<" + r.typ + ">"
			}
			agg := r.typ != TypeJSON && !(r.typ == TypeText && r.tokenizer == split.TokenizerDefault && !r.fast)
			out = append(out, FieldInfo{Name: name, Type: typ, Aggregatable: agg})
			continue
		}
		fi, _ := sc.Field(name)
		out = append(out, FieldInfo{Name: name, Type: fi.Type.String(), Aggregatable: true})
	}
	return out, nil
}

// FieldValue is one value of a field and how many matching events hold it.
type FieldValue struct {
	Value string
	Count int64
}

// FieldValuesRequest asks for the most frequent values of a field among
// the events matching Query in [Start, End): the options of a dashboard
// variable or an ad hoc filter.
type FieldValuesRequest struct {
	Index string
	Field string
	Query string
	// Prefix keeps values starting with it (case-insensitive), for typeahead.
	Prefix     string
	Start, End time.Time
	// Limit is the number of values (default 100, at most MaxSearchLimit).
	Limit int
	Now   time.Time
}

// FieldValues returns req.Field's values by descending count, ties by value.
func (e *Engine) FieldValues(ctx context.Context, req FieldValuesRequest) ([]FieldValue, error) {
	limit := req.Limit
	switch {
	case limit == 0:
		limit = DefaultSearchLimit
	case limit < 0 || limit > MaxSearchLimit:
		return nil, budget.InvalidRequest(fmt.Errorf("field values limit %d: use 1 to %d", limit, MaxSearchLimit))
	}
	if req.Field == "" {
		return nil, budget.InvalidRequest(fmt.Errorf("field values: name the field whose values to list"))
	}
	ctx, cancel, meter := e.startQuery(ctx)
	defer cancel()
	p, err := e.planQuery(req.Index, req.Query, nil, req.Start, req.End, req.Now, false)
	if err != nil {
		return nil, err
	}
	defer p.release()
	if p.schema.m.timestamp.name == req.Field {
		return nil, budget.InvalidRequest(fmt.Errorf("field values: %q is the timestamp field; its values are not a list to choose from", req.Field))
	}
	v := &valuesVisitor{field: req.Field, prefix: strings.ToLower(req.Prefix), counts: map[event.Value]int64{}, budget: meter}
	err = p.Run(ctx, v)
	if err == nil {
		err = v.err
	}
	if err == nil {
		err = e.checkPartial(ctx, p)
	}
	if err != nil {
		return nil, fmt.Errorf("values of field %q in index %q: %w", req.Field, req.Index, err)
	}
	out := make([]FieldValue, 0, len(v.counts))
	keys := make([]event.Value, 0, len(v.counts))
	for k := range v.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := v.counts[keys[i]], v.counts[keys[j]]; a != b {
			return a > b
		}
		return agg.CompareKeys(&keys[i], &keys[j]) < 0
	})
	for _, k := range keys[:min(limit, len(keys))] {
		out = append(out, FieldValue{Value: k.Text(), Count: v.counts[k]})
	}
	return out, nil
}

// valuesVisitor counts a field's values over matching rows; dictionary
// blocks are counted per entry, not per row.
type valuesVisitor struct {
	field  string
	prefix string
	counts map[event.Value]int64
	ids    []int64
	budget *budget.Meter
	err    error // the budget's, once exceeded
}

// add counts n rows of val, metering each new value against the budget.
func (v *valuesVisitor) add(val event.Value, n int64) {
	val = val.Key()
	if _, ok := v.counts[val]; !ok && v.err == nil {
		v.err = v.budget.Charge(budget.TermKeyCost(&val))
	}
	v.counts[val] += n
}

func (v *valuesVisitor) keep(val *event.Value) bool {
	if val.Kind == event.KindFloat64 && math.IsNaN(val.Float()) {
		return false // NaN: not a value one can filter on
	}
	if v.prefix == "" {
		return true
	}
	t := val.Text()
	return len(t) >= len(v.prefix) && strings.EqualFold(t[:len(v.prefix)], v.prefix)
}

func (v *valuesVisitor) WantBlock(bm *split.BlockMeta) bool {
	cm, ok := bm.Columns[v.field]
	return ok && cm.Present > 0
}

func (v *valuesVisitor) Block(bs *search.BlockScan) error {
	sel, err := bs.Matches()
	if err != nil {
		return err
	}
	col, err := bs.Reader().Column(v.field)
	if err != nil {
		return err
	}
	sel.AndPresent(col.Present)
	if col.Encoding == column.EncStrDict && col.Kinds == nil {
		v.ids = column.ReuseSlice(v.ids, len(col.Dict))
		clear(v.ids)
		sel.ForEach(func(r int) { v.ids[col.IDs[r]]++ })
		for id, n := range v.ids {
			if val := (event.Value{Kind: col.Kind, Str: col.Dict[id]}); n > 0 && v.keep(&val) {
				v.add(val, n)
			}
		}
		return v.err
	}
	sel.ForEach(func(r int) {
		if val, ok := col.Value(r); ok && v.keep(&val) {
			v.add(val, 1)
		}
	})
	return v.err
}

func (v *valuesVisitor) Event(ev *event.Event) bool {
	if val, ok := ev.Get(v.field); ok && v.keep(&val) {
		v.add(val, 1)
	}
	return v.err == nil
}
