package split

import (
	"fmt"
	"sort"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// blockBuilder turns a block's events into column chunks (uncompressed) and
// the per-granule terms of its indexed fields. One builder is reused for
// every block of a split, so its buffers grow once.
type blockBuilder struct {
	schema Schema
	fields []*fieldValues
	byName map[string]*fieldValues
	enc    column.ChunkEncoder
	ints   []int64
	// granule terms: field → distinct terms, reset per granule.
	terms    map[string]map[string]struct{}
	tokCache map[string]struct{}
	indexer  termIndexer
}

// fieldValues holds one field's values of the current block.
type fieldValues struct {
	name string
	spec FieldSpec
	rows []int32
	column.Values
}

func newBlockBuilder(schema Schema) *blockBuilder {
	return &blockBuilder{schema: schema, byName: map[string]*fieldValues{},
		terms: map[string]map[string]struct{}{}, tokCache: map[string]struct{}{},
		enc: column.ChunkEncoder{DictIndex: map[string]uint32{}}}
}

// load transposes events into per-field values; fields come out sorted by
// name. A field repeated within one event is refused: the columns have one
// value per row.
func (b *blockBuilder) load(events []event.Event) error {
	b.fields = b.fields[:0]
	for _, f := range b.byName {
		f.Present = column.ReuseSlice(f.Present, (len(events)+7)/8)
		clear(f.Present)
		f.rows, f.Vals, f.Kinds = f.rows[:0], f.Vals[:0], 0
	}
	for r := range events {
		for i := range events[r].Fields {
			fd := &events[r].Fields[i]
			f := b.byName[fd.Name]
			if f == nil {
				f = &fieldValues{name: fd.Name, spec: b.schema.spec(fd.Name),
					Values: column.Values{Present: make([]byte, (len(events)+7)/8)}}
				b.byName[fd.Name] = f
			}
			if f.Kinds == 0 {
				b.fields = append(b.fields, f)
			}
			if f.Present[r>>3]&(1<<(r&7)) != 0 {
				return fmt.Errorf("event with seq %d has field %q twice; give each field one value per event", events[r].Seq, fd.Name)
			}
			f.Present[r>>3] |= 1 << (r & 7)
			f.rows = append(f.rows, int32(r))
			f.Vals = append(f.Vals, fd.Value)
			f.Kinds |= 1 << fd.Value.Kind
		}
	}
	sort.Slice(b.fields, func(i, j int) bool { return b.fields[i].name < b.fields[j].name })
	return nil
}

// granuleTerms fills b.terms with the distinct terms of rows [lo, hi) of the
// loaded block's indexed fields. Floats and datetimes are left to bounds.
func (b *blockBuilder) granuleTerms(lo, hi int) map[string]map[string]struct{} {
	for _, set := range b.terms {
		clear(set)
	}
	for _, f := range b.fields {
		if !f.spec.Indexed {
			continue
		}
		clear(b.tokCache)
		set := b.terms[f.name]
		if set == nil {
			set = map[string]struct{}{}
			b.terms[f.name] = set
		}
		start := sort.Search(len(f.rows), func(i int) bool { return int(f.rows[i]) >= lo })
		for i := start; i < len(f.rows) && int(f.rows[i]) < hi; i++ {
			v := &f.Vals[i]
			switch v.Kind {
			case event.KindFloat64, event.KindTime, event.KindNull:
				continue
			case event.KindString:
				switch tok := TokenizerOf(f.spec.Tokenizer); {
				case f.spec.Elements:
					b.addElementTokens(set, tok, v.Str)
				case tok != TokRaw:
					b.addTokens(set, tok, v.Str)
				case len(v.Str) < MaxTokenBytes:
					set[v.Str] = struct{}{}
				}
			default:
				set[v.Text()] = struct{}{}
			}
		}
	}
	return b.terms
}

// addTokens adds text's tokens, tokenizing each distinct text once per granule.
func (b *blockBuilder) addTokens(set map[string]struct{}, tok Tokenizer, text string) {
	if _, seen := b.tokCache[text]; seen {
		return
	}
	b.tokCache[text] = struct{}{}
	b.indexer.add(set, tok, text)
}

// addElementTokens adds the tokens of each element of a JSON array value.
func (b *blockBuilder) addElementTokens(set map[string]struct{}, tok Tokenizer, text string) {
	if _, seen := b.tokCache[text]; seen {
		return
	}
	b.tokCache[text] = struct{}{}
	b.indexer.addElements(set, tok, text)
}
