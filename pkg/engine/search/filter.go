package search

import (
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// Filter is a resolved query compiled for execution. It is evaluated
// three ways that must agree: from metadata (which blocks may match), on a
// block's decoded columns (which rows match) and on head events one by one.
// A rowFilter belongs to one query: it keeps scratch buffers.
type Filter interface {
	// Blocks returns the blocks of s the term index leaves as candidates;
	// nil means the index cannot narrow them.
	Blocks(s *split.Split) (*roaring.Bitmap, error)
	// MayMatchBlock reports whether a block can hold a match, from its
	// column metadata alone.
	MayMatchBlock(bm *split.BlockMeta) bool
	// Apply clears the rows of sel that do not match.
	Apply(br *BlockReader, sel Rows) error
	// MatchEvent is the exact check on one head event.
	MatchEvent(ev *event.Event) bool
}

// Env is what compiling needs to know of the index: how a field's
// strings are tokenized and which field is the event timestamp (kept out
// of Event.Fields, in its own column).
type Env interface {
	Tokenizer(field string) string
	TimestampField() string
	// ArrayElem reports the element kind of a mapped array field.
	ArrayElem(field string) (event.Kind, bool)
}

// Compile turns a resolved query into a rowFilter.
func Compile(f query.Filter, env Env) (Filter, error) {
	tok := env.Tokenizer
	leaf := func(field string, m leafMatcher) Filter {
		if k, ok := env.ArrayElem(field); ok {
			m = &arrayMatcher{inner: m, elem: k}
		}
		return &leafFilter{field: field, m: m, ts: field == env.TimestampField()}
	}
	switch v := f.(type) {
	case query.FilterAll:
		return allFilter{}, nil
	case query.FilterAnd:
		fs, err := CompileAll(v.Filters, env)
		if err != nil {
			return nil, err
		}
		if len(fs) == 0 {
			return allFilter{}, nil
		}
		return &andFilter{clauses: fs}, nil
	case query.FilterOr:
		fs, err := CompileAll(v.Filters, env)
		if err != nil {
			return nil, err
		}
		return &orFilter{clauses: fs}, nil
	case query.FilterNot:
		c, err := Compile(v.Filter, env)
		if err != nil {
			return nil, err
		}
		return &notFilter{clause: c}, nil
	case query.FilterTerm:
		return leaf(v.Field.Name, newTermMatcher(v.Field, v.Value, tok(v.Field.Name))), nil
	case query.FilterSet:
		return leaf(v.Field.Name, newSetMatcher(v.Field, v.Values, tok(v.Field.Name))), nil
	case query.FilterPhrase:
		return leaf(v.Field.Name, newPhraseMatcher(v.Text, v.Prefix, tok(v.Field.Name))), nil
	case query.FilterPrefix:
		return leaf(v.Field.Name, newPrefixMatcher(v.Prefix, tok(v.Field.Name))), nil
	case query.FilterRange:
		return leaf(v.Field.Name, newRangeMatcher(v.Field, v.Lower, v.Upper)), nil
	case query.FilterExists:
		return leaf(v.Field.Name, existsMatcher{}), nil
	}
	return nil, fmt.Errorf("compile query: unsupported filter %T", f)
}

func CompileAll(in []query.Filter, env Env) ([]Filter, error) {
	out := make([]Filter, len(in))
	for i, f := range in {
		c, err := Compile(f, env)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// allFilter matches every row (`*`, the empty query).
type allFilter struct{}

func (allFilter) Blocks(*split.Split) (*roaring.Bitmap, error) { return nil, nil }
func (allFilter) MayMatchBlock(*split.BlockMeta) bool          { return true }
func (allFilter) Apply(*BlockReader, Rows) error               { return nil }
func (allFilter) MatchEvent(*event.Event) bool                 { return true }

// IsMatchAll reports whether f keeps every row, so counts can skip decoding.
func IsMatchAll(f Filter) bool {
	_, ok := f.(allFilter)
	return ok
}

// leafMatcher is the value test of one field predicate.
type leafMatcher interface {
	// match is the exact test of one value; tok-dependent text matching is
	// fixed when the matcher is built.
	match(v *event.Value) bool
	// granules returns the candidate granules of s for field; nil when the
	// term index cannot narrow them.
	granules(s *split.Split, field string) (*roaring.Bitmap, error)
	// mayMatchChunk tests a block's chunk of the field by its bounds.
	mayMatchChunk(cm *column.ChunkMeta) bool
}

// leafFilter applies a leafMatcher to one field.
type leafFilter struct {
	field string
	m     leafMatcher
	// ts marks the timestamp field, read from the timestamp column.
	ts      bool
	dictHit []bool
	hint    int // position of the field in the last head event that had it
	// val holds the value under test: a local would escape through the
	// matcher interface and cost an allocation per row.
	val event.Value
}

func (f *leafFilter) Blocks(s *split.Split) (*roaring.Bitmap, error) {
	if f.ts {
		return nil, nil
	}
	g, err := f.m.granules(s, f.field)
	if err != nil || g == nil {
		return nil, err
	}
	return s.GranuleBlocks(g), nil
}

func (f *leafFilter) MayMatchBlock(bm *split.BlockMeta) bool {
	if f.ts {
		b := column.Bounds{Kind: event.KindTime, MinInt: bm.MinTime, MaxInt: bm.MaxTime}
		return f.m.mayMatchChunk(&column.ChunkMeta{Present: bm.Rows, Kinds: []event.Kind{event.KindTime}, Bounds: []column.Bounds{b}})
	}
	cm, ok := bm.Columns[f.field]
	return ok && cm.Present > 0 && f.m.mayMatchChunk(&cm)
}

func (f *leafFilter) Apply(br *BlockReader, sel Rows) error {
	if f.ts {
		ts, err := br.Timestamps()
		if err != nil {
			return err
		}
		for i, w := range sel {
			for w != 0 {
				b := w & -w
				f.val = event.TimeNanosValue(ts[i<<6|bitIndex(b)])
				if !f.m.match(&f.val) {
					sel[i] &^= b
				}
				w &^= b
			}
		}
		return nil
	}
	col, err := br.Column(f.field)
	if err != nil {
		return err
	}
	sel.AndPresent(col.Present)
	if col.Encoding == column.EncStrDict && col.Kinds == nil {
		f.applyDict(col, sel)
		return nil
	}
	for i, w := range sel {
		for w != 0 {
			b := w & -w
			r := i<<6 | bitIndex(b)
			var ok bool
			if f.val, ok = col.Value(r); !ok || !f.m.match(&f.val) {
				sel[i] &^= b
			}
			w &^= b
		}
	}
	return nil
}

// applyDict evaluates the predicate once per dictionary entry, then keeps
// the rows whose entry matched, 64 rows per step.
func (f *leafFilter) applyDict(col *column.Column, sel Rows) {
	f.dictHit = column.ReuseSlice(f.dictHit, len(col.Dict))
	hits := 0
	for i, s := range col.Dict {
		f.val = event.Value{Kind: col.Kind, Str: s}
		f.dictHit[i] = f.m.match(&f.val)
		if f.dictHit[i] {
			hits++
		}
	}
	switch hits {
	case 0:
		clear(sel)
		return
	case len(col.Dict):
		return
	}
	for i, w := range sel {
		if w == 0 {
			continue
		}
		base := i << 6
		var keep uint64
		for j, id := range col.IDs[base:min(base+64, col.Rows)] {
			if f.dictHit[id] {
				keep |= 1 << j
			}
		}
		sel[i] = w & keep
	}
}

func (f *leafFilter) MatchEvent(ev *event.Event) bool {
	if f.ts {
		f.val = event.TimeNanosValue(ev.Timestamp)
		return f.m.match(&f.val)
	}
	i := event.FieldIndex(ev, f.field, &f.hint)
	return i >= 0 && f.m.match(&ev.Fields[i].Value)
}
