package engine

import (
	"fmt"
	"sort"
	"sync"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// indexSchema is the query.Schema of one index at one snapshot: the
// mapping's fields as declared, plus the fields a dynamic mapping (or a
// json field) discovered, typed by the kinds they hold in the snapshot's
// splits and head. A dynamic field that only ever held integers is typed
// i64, so `status_code:abc` is refused with a message rather than
// matching nothing.
type indexSchema struct {
	m     *docMapper
	snap  *Snapshot
	heads *headKinds        // nil: scan the head events every time
	kinds map[string]uint16 // discovered field → kinds, filled lazily
	// searchFields overrides the mapping's default search fields.
	searchFields []string
}

func newIndexSchema(m *docMapper, snap *Snapshot) *indexSchema {
	return &indexSchema{m: m, snap: snap}
}

// Field types a mapped field from its rule and an unmapped one from the
// kinds it holds; an unmapped field nobody has written is unknown.
func (s *indexSchema) Field(name string) (query.FieldInfo, bool) {
	if r, ok := s.m.fields[s.m.canonicalField(name)]; ok {
		return ruleInfo(r), true
	}
	kinds := s.discovered()[name]
	if kinds == 0 {
		if s.underJSON(name) {
			return query.FieldInfo{Name: name, Type: query.TypeJSON}, true
		}
		return query.FieldInfo{}, false
	}
	return query.FieldInfo{Name: name, Type: kindsType(kinds), Tokenizer: query.TokenizerDefault}, true
}

// underJSON reports whether name lies under a json-typed mapped field.
func (s *indexSchema) underJSON(name string) bool {
	for p := prefixOf(name); p != ""; p = prefixOf(p) {
		if r, ok := s.m.fields[p]; ok && r.typ == TypeJSON {
			return true
		}
	}
	return false
}

// Strict is true unless the mapping keeps unknown fields: in strict and
// lenient modes an unmapped field can hold nothing.
func (s *indexSchema) Strict() bool { return s.m.mode != ModeDynamic }

// DefaultFields are the fields searched by terms without a field: the
// mapping's default search fields, unless the request named others.
func (s *indexSchema) DefaultFields() []string {
	if s.searchFields != nil {
		return s.searchFields
	}
	return s.m.cfg.SearchSettings.DefaultSearchFields
}

// searchIn replaces the default search fields for one query, checking them
// as the mapping checks its own.
func (s *indexSchema) searchIn(fields []string) error {
	if len(fields) == 0 {
		return nil
	}
	for _, name := range fields {
		if err := s.m.checkSearchable(s.m.canonicalField(name)); err != nil {
			return fmt.Errorf("search field: %v", err)
		}
	}
	s.searchFields = fields
	return nil
}

// FieldNames lists mapped and discovered fields, for suggestions; the
// document id field only once some event holds one.
func (s *indexSchema) FieldNames() []string {
	seen := map[string]bool{}
	for name := range s.m.fields {
		seen[name] = name != split.IDField
	}
	for name := range s.discovered() {
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for n, ok := range seen {
		if ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Tokenizer says how the exact check tokenizes field's strings: mapped
// text (and each element of a text array) by its tokenizer, unmapped
// strings by the default one (as the split writer indexes them, see
// ix.splitSchema), and other arrays, which are stored as their JSON text,
// by the default one so that a term finds an element. Where the split
// writer indexed a field with another tokenizer, lookups cannot narrow
// granules and rows are checked (see textGranules).
func (s *indexSchema) Tokenizer(field string) string {
	r, ok := s.m.fields[field]
	switch {
	case ok && r.typ == TypeText:
		return r.tokenizer
	case !ok, r.array, r.typ == TypeJSON:
		return split.TokenizerDefault
	}
	return split.TokenizerRaw
}

// discovered returns the kinds of every field in the snapshot: split
// metadata is cheap; head events come from the index's headKinds cache, so
// a query scans only the events ingested since the previous one.
func (s *indexSchema) discovered() map[string]uint16 {
	if s.kinds != nil {
		return s.kinds
	}
	s.kinds = map[string]uint16{}
	if s.snap == nil {
		return s.kinds
	}
	for _, sp := range s.snap.Splits() {
		for name, fm := range sp.Meta.Fields {
			for _, k := range fm.Kinds {
				s.kinds[name] |= 1 << k
			}
		}
	}
	s.heads.merge(s.snap.Events(), s.kinds)
	return s.kinds
}

// headKinds caches the field kinds of an index's head events. Head views
// grow by appending, so the kinds of a prefix stay true and only the new
// suffix needs a scan; the prefix is recognised by the seqs (unique in an
// index) of its first and last events, which any insertion or removal
// before its end would shift. No event is referenced, so a flushed head's
// memory is not kept alive.
type headKinds struct {
	mu                sync.Mutex
	firstSeq, lastSeq uint64
	n                 int
	kinds             map[string]uint16
}

// headKindCaches holds one headKinds per open index.
var headKindCaches sync.Map // *indexState → *headKinds

func headKindsOf(ix *indexState) *headKinds {
	c, _ := headKindCaches.LoadOrStore(ix, &headKinds{})
	return c.(*headKinds)
}

// merge adds the kinds of events' fields to dst.
func (h *headKinds) merge(events []event.Event, dst map[string]uint16) {
	if h == nil {
		addEventKinds(events, dst)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(events) == 0 {
		return
	}
	if h.n == 0 || h.n > len(events) || events[0].Seq != h.firstSeq || events[h.n-1].Seq != h.lastSeq {
		h.n, h.kinds = 0, map[string]uint16{}
	}
	addEventKinds(events[h.n:], h.kinds)
	h.n, h.firstSeq, h.lastSeq = len(events), events[0].Seq, events[len(events)-1].Seq
	for name, k := range h.kinds {
		dst[name] |= k
	}
}

func addEventKinds(events []event.Event, dst map[string]uint16) {
	for i := range events {
		for _, f := range events[i].Fields {
			dst[f.Name] |= 1 << f.Value.Kind
		}
	}
}

// ruleInfo maps a field rule to the query's view of its type.
func ruleInfo(r *fieldRule) query.FieldInfo {
	fi := query.FieldInfo{Name: r.name}
	switch r.typ {
	case TypeText:
		fi.Type = query.TypeText
		if r.tokenizer == split.TokenizerRaw && !r.array {
			fi.Tokenizer = query.TokenizerRaw
		}
	case TypeI64:
		fi.Type = query.TypeI64
	case TypeU64:
		fi.Type = query.TypeU64
	case TypeF64:
		fi.Type = query.TypeF64
	case TypeBool:
		fi.Type = query.TypeBool
	case TypeDatetime:
		fi.Type = query.TypeDatetime
	case TypeIP:
		fi.Type = query.TypeIP
	default:
		fi.Type = query.TypeJSON
	}
	return fi
}

// kindsType types a discovered field: one kind gives its type, integers and
// floats together give f64, anything else stays untyped (json).
func kindsType(kinds uint16) query.FieldType {
	kinds &^= 1 << event.KindNull
	const nums = 1<<event.KindInt64 | 1<<event.KindUint64 | 1<<event.KindFloat64
	switch {
	case kinds == 1<<event.KindString:
		return query.TypeText
	case kinds == 1<<event.KindInt64:
		return query.TypeI64
	case kinds == 1<<event.KindUint64:
		return query.TypeU64
	case kinds != 0 && kinds&^nums == 0:
		return query.TypeF64
	case kinds == 1<<event.KindBool:
		return query.TypeBool
	case kinds == 1<<event.KindTime:
		return query.TypeDatetime
	case kinds == 1<<event.KindIP:
		return query.TypeIP
	}
	return query.TypeJSON
}

// TimestampField names the field held in Event.Timestamp.
func (s *indexSchema) TimestampField() string { return s.m.timestamp.name }

// ArrayElem reports the element kind of a mapped array<T> field.
func (s *indexSchema) ArrayElem(field string) (event.Kind, bool) {
	r, ok := s.m.fields[field]
	if !ok || !r.array {
		return event.KindNull, false
	}
	switch r.typ {
	case TypeI64:
		return event.KindInt64, true
	case TypeU64:
		return event.KindUint64, true
	case TypeF64:
		return event.KindFloat64, true
	case TypeBool:
		return event.KindBool, true
	case TypeIP:
		return event.KindIP, true
	case TypeDatetime:
		return event.KindTime, true
	}
	return event.KindString, true
}
