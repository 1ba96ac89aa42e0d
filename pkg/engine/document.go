package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"sort"
	"strconv"
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
func (m *docMapper) parseDocument(raw []byte) (Event, error) {
	start := bytes.TrimLeft(raw, " \t\r\n")
	if len(start) == 0 || start[0] != '{' {
		return Event{}, errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return Event{}, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Event{}, errors.New("invalid JSON: unexpected data after the object")
	}
	p := docParser{m: m, seen: make(map[string]struct{}, len(obj)), fields: make([]Field, 0, len(obj))}
	if err := p.object("", obj); err != nil {
		return Event{}, err
	}
	if !p.hasTimestamp {
		return Event{}, fmt.Errorf("missing timestamp field '%s'", m.timestamp.name)
	}
	sort.Slice(p.fields, func(i, j int) bool { return p.fields[i].Name < p.fields[j].Name })
	return Event{Timestamp: p.timestamp, Fields: p.fields}, nil
}

type docParser struct {
	m            *docMapper
	seen         map[string]struct{}
	fields       []Field
	timestamp    int64
	hasTimestamp bool
}

func (p *docParser) add(name string, v Value) error {
	if _, dup := p.seen[name]; dup {
		return fmt.Errorf("field '%s' is given twice (as a dotted key and as a nested object)", name)
	}
	p.seen[name] = struct{}{}
	p.fields = append(p.fields, Field{Name: name, Value: v})
	return nil
}

func (p *docParser) object(prefix string, obj map[string]any) error {
	for k, v := range obj {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		if k == "" {
			return fmt.Errorf("field '%s': empty key", name)
		}
		if err := p.value(name, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *docParser) value(name string, v any) error {
	if v == nil {
		return nil
	}
	if rule, ok := p.m.fields[name]; ok {
		return p.mapped(rule, v)
	}
	if obj, ok := v.(map[string]any); ok {
		return p.object(name, obj)
	}
	switch p.m.mode {
	case ModeStrict:
		return fmt.Errorf("unknown field '%s' (mapping mode is strict)", name)
	case ModeLenient:
		return nil
	}
	return p.dynamic(name, v)
}

// dynamic types an unmapped value from its JSON form.
func (p *docParser) dynamic(name string, v any) error {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return p.add(name, StringValue(t))
	case bool:
		return p.add(name, BoolValue(t))
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return p.add(name, Int64Value(i))
		}
		if u, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			return p.add(name, Uint64Value(u))
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return fmt.Errorf("field '%s': number %s is out of range", name, t)
		}
		return p.add(name, Float64Value(f))
	case map[string]any:
		return p.object(name, t)
	case []any:
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("field '%s': %v", name, err)
		}
		return p.add(name, StringValue(string(b)))
	}
	return fmt.Errorf("field '%s': unexpected JSON value %T", name, v)
}

func (p *docParser) mapped(rule *fieldRule, v any) error {
	if rule.typ == TypeJSON {
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("field '%s': expected a JSON object, got %s", rule.name, describeJSON(v))
		}
		return p.jsonObject(rule.name, obj)
	}
	if rule.array {
		items, ok := v.([]any)
		if !ok {
			items = []any{v}
		}
		out := make([]any, 0, len(items))
		for i, item := range items {
			if item == nil {
				continue
			}
			val, err := convertScalar(rule, item)
			if err != nil {
				return fmt.Errorf("field '%s' item %d: %v", rule.name, i, err)
			}
			out = append(out, valueToJSON(val))
		}
		b, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("field '%s': %v", rule.name, err)
		}
		return p.add(rule.name, StringValue(string(b)))
	}
	val, err := convertScalar(rule, v)
	if err != nil {
		return fmt.Errorf("field '%s': %v", rule.name, err)
	}
	if rule == p.m.timestamp {
		p.timestamp, p.hasTimestamp = val.Int, true
		return nil
	}
	return p.add(rule.name, val)
}

// jsonObject flattens a json-typed field: every leaf is typed dynamically,
// whatever the mapping mode.
func (p *docParser) jsonObject(prefix string, obj map[string]any) error {
	for k, v := range obj {
		name := prefix + "." + k
		if k == "" {
			return fmt.Errorf("field '%s': empty key", name)
		}
		if sub, ok := v.(map[string]any); ok {
			if err := p.jsonObject(name, sub); err != nil {
				return err
			}
			continue
		}
		if err := p.dynamic(name, v); err != nil {
			return err
		}
	}
	return nil
}

// convertScalar checks one JSON value against a scalar field type. Numeric
// and bool fields also accept strings holding a number or bool, as
// Quickwit's default `coerce: true` does.
func convertScalar(rule *fieldRule, v any) (Value, error) {
	switch rule.typ {
	case TypeText:
		if s, ok := v.(string); ok {
			return StringValue(s), nil
		}
		return Value{}, fmt.Errorf("expected a string, got %s", describeJSON(v))
	case TypeI64, TypeU64, TypeF64:
		num, ok := numberText(v)
		if !ok {
			return Value{}, fmt.Errorf("expected a number, got %s", describeJSON(v))
		}
		return convertNumber(rule.typ, num, v)
	case TypeBool:
		switch t := v.(type) {
		case bool:
			return BoolValue(t), nil
		case string:
			if b, err := strconv.ParseBool(t); err == nil && (t == "true" || t == "false") {
				return BoolValue(b), nil
			}
		}
		return Value{}, fmt.Errorf("expected a bool, got %s", describeJSON(v))
	case TypeDatetime:
		switch t := v.(type) {
		case string:
			ns, err := parseDatetimeString(t, rule.formats)
			return TimeNanosValue(ns), err
		case json.Number:
			ns, err := parseDatetimeNumber(string(t), rule.formats)
			return TimeNanosValue(ns), err
		}
		return Value{}, fmt.Errorf("expected a datetime string or Unix timestamp, got %s", describeJSON(v))
	case TypeIP:
		s, ok := v.(string)
		if !ok {
			return Value{}, fmt.Errorf("expected an IP address string, got %s", describeJSON(v))
		}
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return Value{}, fmt.Errorf("expected an IP address, got string %q", truncateForError(s))
		}
		return IPValue(addr.Unmap().WithZone("").String()), nil
	}
	return Value{}, fmt.Errorf("type %s cannot hold a single value", rule.typ)
}

func numberText(v any) (string, bool) {
	switch t := v.(type) {
	case json.Number:
		return string(t), true
	case string:
		if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return t, true
		}
	}
	return "", false
}

func convertNumber(typ, num string, orig any) (Value, error) {
	switch typ {
	case TypeI64:
		if i, err := strconv.ParseInt(num, 10, 64); err == nil {
			return Int64Value(i), nil
		}
		if f, err := strconv.ParseFloat(num, 64); err == nil && f == float64(int64(f)) && f >= -(1<<63) && f < 1<<63 {
			return Int64Value(int64(f)), nil
		}
		return Value{}, fmt.Errorf("expected a 64-bit signed integer, got %s", describeJSON(orig))
	case TypeU64:
		if u, err := strconv.ParseUint(num, 10, 64); err == nil {
			return Uint64Value(u), nil
		}
		if f, err := strconv.ParseFloat(num, 64); err == nil && f >= 0 && f < 1<<64 && f == float64(uint64(f)) {
			return Uint64Value(uint64(f)), nil
		}
		return Value{}, fmt.Errorf("expected a 64-bit unsigned integer, got %s", describeJSON(orig))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return Value{}, fmt.Errorf("expected a 64-bit float, got %s", describeJSON(orig))
	}
	return Float64Value(f), nil
}

// describeJSON renders a JSON value for an error message: its kind and a
// short form of it.
func describeJSON(v any) string {
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("string %q", truncateForError(t))
	case json.Number:
		return "number " + truncateForError(string(t))
	case bool:
		return "bool " + strconv.FormatBool(t)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "null"
}

func valueToJSON(v Value) any {
	switch v.Kind {
	case KindInt64:
		return v.Int
	case KindUint64:
		return v.Uint
	case KindFloat64:
		return v.Float
	case KindBool:
		return v.Bool
	}
	return v.Text()
}
