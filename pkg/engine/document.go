package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/jsonscan"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// parseDocument converts one raw JSON object into an Event following the
// index mapping (Seq is assigned later, at commit). Errors name the field
// and the problem so that a rejected document can be fixed by its sender.
//
// Arrays: a field mapped as array<T> checks every element against T; an
// array in a dynamic or json field is kept as one text value holding the
// array's compact JSON, so its elements are searchable as tokens. JSON
// null is the same as an absent field. A dotted key ("a.b") and a nested
// object ({"a":{"b":…}}) name the same field; giving both is an error.
func (m *docMapper) parseDocument(raw []byte) (event.Event, error) {
	return m.parseDocumentIn(raw, &docBatch{}, "")
}

// docBatch is state shared by the documents of one Ingest call: interned
// field names (one string per name per batch, not per event) and scratch
// space, so each event's fields are allocated once at their exact size.
type docBatch struct {
	names   map[string]string
	fields  []event.Field
	nameBuf []byte
	scratch []byte
	aliases []aliasVal
}

// parseDocumentIn is parseDocument within a batch; a non-empty id is kept
// in the event's IDField, which documents themselves may not hold.
func (m *docMapper) parseDocumentIn(raw []byte, b *docBatch, id string) (event.Event, error) {
	if len(id) > maxIDBytes {
		return event.Event{}, fmt.Errorf("document id %q is %d bytes; ids are limited to %d bytes", truncateForError(id), len(id), maxIDBytes)
	}
	if b.names == nil {
		b.names = make(map[string]string)
	}
	p := docParser{m: m, batch: b, Scanner: jsonscan.Scanner{Buf: raw, Scratch: b.scratch}, fields: b.fields[:0], aliasVals: b.aliases[:0]}
	defer func() { b.fields, b.scratch, b.aliases = p.fields[:0], p.Scratch, p.aliasVals[:0] }()
	p.SkipWS()
	if p.Peek() != '{' {
		return event.Event{}, jsonscan.ErrNotObject
	}
	if err := p.object("", false); err != nil {
		return event.Event{}, err
	}
	p.SkipWS()
	if p.Pos != len(p.Buf) {
		return event.Event{}, p.Errorf("unexpected data after the object")
	}
	if err := p.applyAliases(); err != nil {
		return event.Event{}, err
	}
	if !p.hasTimestamp {
		return event.Event{}, m.missingTimestamp()
	}
	if id != "" {
		p.fields = append(p.fields, event.Field{Name: split.IDField, Value: event.StringValue(id)})
	}
	slices.SortFunc(p.fields, func(a, b event.Field) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(p.fields); i++ {
		if p.fields[i].Name == p.fields[i-1].Name {
			return event.Event{}, fmt.Errorf("field '%s' appears twice (as a repeated key, or as both a dotted key and a nested object)", p.fields[i].Name)
		}
	}
	var fields []event.Field
	if len(p.fields) > 0 {
		fields = make([]event.Field, len(p.fields))
		copy(fields, p.fields)
	}
	return event.Event{Timestamp: p.timestamp, Fields: fields}, nil
}

type docParser struct {
	jsonscan.Scanner
	m            *docMapper
	batch        *docBatch
	fields       []event.Field
	timestamp    int64
	hasTimestamp bool
	// aliasVals holds the values of timestamp aliases until the end of the
	// document tells whether the timestamp field itself was there.
	aliasVals []aliasVal
}

type aliasVal struct {
	name string
	rank int
	v    jsonscan.Val
}

// fieldName joins prefix and key, reusing the batch's equal string.
func (p *docParser) fieldName(prefix string, key []byte) string {
	b := p.batch
	b.nameBuf = b.nameBuf[:0]
	if prefix != "" {
		b.nameBuf = append(append(b.nameBuf, prefix...), '.')
	}
	b.nameBuf = append(b.nameBuf, key...)
	if n, ok := b.names[string(b.nameBuf)]; ok {
		return n
	}
	name := string(b.nameBuf)
	b.names[name] = name
	return name
}

func (p *docParser) add(name string, v event.Value) error {
	p.fields = append(p.fields, event.Field{Name: name, Value: v})
	return nil
}

// object walks the object at pos. Inside a json-typed field (dynamicOnly)
// every leaf is typed from its JSON form, whatever the mapping mode.
func (p *docParser) object(prefix string, dynamicOnly bool) error {
	p.Depth++
	if p.Depth > jsonscan.MaxDepth {
		return jsonscan.ErrTooDeep
	}
	p.Pos++ // '{'
	for first := true; ; first = false {
		p.SkipWS()
		if p.Peek() == '}' {
			p.Pos++
			p.Depth--
			return nil
		}
		if !first {
			if err := p.Expect(','); err != nil {
				return err
			}
			p.SkipWS()
		}
		key, err := p.StrBytes()
		if err != nil {
			return err
		}
		name := p.fieldName(prefix, key)
		p.SkipWS()
		if err := p.Expect(':'); err != nil {
			return err
		}
		p.SkipWS()
		if len(key) == 0 {
			return fmt.Errorf("field '%s': empty key", name)
		}
		if dynamicOnly {
			err = p.dynamic(name, true)
		} else {
			err = p.value(name)
		}
		if err != nil {
			return err
		}
	}
}

func (p *docParser) value(name string) error {
	if rule, ok := p.m.fields[name]; ok {
		if name == split.IDField {
			return errIDInDocument
		}
		return p.mapped(rule)
	}
	if rank := p.m.aliases[name]; rank != 0 && p.Peek() != '{' && p.Peek() != '[' {
		v, err := p.Scalar()
		if err != nil || v.Kind == jsonscan.Null {
			return err
		}
		for _, a := range p.aliasVals {
			if a.name == name {
				return fmt.Errorf("field '%s' appears twice", name)
			}
		}
		p.aliasVals = append(p.aliasVals, aliasVal{name: name, rank: rank, v: v})
		return nil
	}
	switch p.Peek() {
	case '{':
		return p.object(name, false)
	case 'n':
		return p.Literal("null")
	}
	switch p.m.mode {
	case ModeStrict:
		return fmt.Errorf("unknown field '%s' (mapping mode is strict)", name)
	case ModeLenient:
		return p.Skip()
	}
	return p.dynamic(name, false)
}

// dynamic types an unmapped value from its JSON form: string → text,
// integer → i64 (u64 above its range), other numbers → f64, bool → bool,
// array → its compact JSON as text, object → flattened.
func (p *docParser) dynamic(name string, dynamicOnly bool) error {
	switch p.Peek() {
	case '{':
		return p.object(name, dynamicOnly)
	case '[':
		start := p.Pos
		if err := p.Skip(); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, p.Buf[start:p.Pos]); err != nil {
			return fmt.Errorf("field '%s': %v", name, err)
		}
		return p.add(name, event.StringValue(buf.String()))
	}
	v, err := p.Scalar()
	if err != nil {
		return err
	}
	return p.dynamicScalar(name, v)
}

// dynamicScalar adds an unmapped scalar typed from its JSON form.
func (p *docParser) dynamicScalar(name string, v jsonscan.Val) error {
	switch v.Kind {
	case jsonscan.String:
		return p.add(name, event.StringValue(v.S))
	case jsonscan.Bool:
		return p.add(name, event.BoolValue(v.B))
	case jsonscan.Number:
		if !strings.ContainsAny(v.S, ".eE") {
			if i, err := strconv.ParseInt(v.S, 10, 64); err == nil {
				return p.add(name, event.Int64Value(i))
			}
			if u, err := strconv.ParseUint(v.S, 10, 64); err == nil {
				return p.add(name, event.Uint64Value(u))
			}
		}
		f, err := strconv.ParseFloat(v.S, 64)
		if err != nil {
			return fmt.Errorf("field '%s': number %s is out of range", name, truncateForError(v.S))
		}
		return p.add(name, event.Float64Value(f))
	}
	return nil // null
}

// applyAliases takes the event's time from the first timestamp alias when
// the timestamp field was absent; other alias keys are ordinary fields.
func (p *docParser) applyAliases() error {
	if len(p.aliasVals) == 0 {
		return nil
	}
	slices.SortFunc(p.aliasVals, func(a, b aliasVal) int { return a.rank - b.rank })
	rest := p.aliasVals
	if !p.hasTimestamp {
		a := p.aliasVals[0]
		val, err := convertScalar(p.m.timestamp, a.v)
		if err != nil {
			return fmt.Errorf("field '%s' (the timestamp): %v", a.name, err)
		}
		p.timestamp, p.hasTimestamp = val.Int(), true
		rest = rest[1:]
	}
	for _, a := range rest {
		switch p.m.mode {
		case ModeStrict:
			return fmt.Errorf("unknown field '%s' (mapping mode is strict; it stands for the timestamp only when '%s' is absent)", a.name, p.m.timestamp.name)
		case ModeDynamic:
			if err := p.dynamicScalar(a.name, a.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// missingTimestamp names the keys that could have held the event's time.
func (m *docMapper) missingTimestamp() error {
	if len(m.cfg.DocMapping.TimestampAliases) == 0 {
		return fmt.Errorf("missing timestamp field '%s'", m.timestamp.name)
	}
	return fmt.Errorf("missing timestamp field '%s' (or '%s')", m.timestamp.name, strings.Join(m.cfg.DocMapping.TimestampAliases, "', '"))
}

// errIDInDocument refuses a document holding the id field itself, as
// Elasticsearch does: the id comes with the request (the bulk action's
// _id), where retries can be recognised.
var errIDInDocument = fmt.Errorf("field '%s' is reserved for the document id: send the id in the bulk action's _id, not inside the document", split.IDField)
