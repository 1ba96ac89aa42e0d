package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/jsonscan"
)

// This file holds the mapped side of document parsing: a field the index
// maps (scalar or array) and the conversion of a JSON value to the type
// its mapping names, with errors a sender can act on.

func (p *docParser) mapped(rule *fieldRule) error {
	if rule.typ == TypeJSON {
		if p.Peek() != '{' {
			v, err := p.Scalar()
			if err != nil || v.Kind == jsonscan.Null {
				return err
			}
			return fmt.Errorf("field '%s': expected a JSON object, got %s", rule.name, describeJSON(v))
		}
		return p.object(rule.name, true)
	}
	if rule.array {
		return p.mappedArray(rule)
	}
	v, err := p.Scalar()
	if err != nil || v.Kind == jsonscan.Null {
		return err
	}
	val, err := convertScalar(rule, v)
	if err != nil {
		return fmt.Errorf("field '%s': %v", rule.name, err)
	}
	if rule == p.m.timestamp {
		if p.hasTimestamp {
			return fmt.Errorf("field '%s' appears twice", rule.name)
		}
		p.timestamp, p.hasTimestamp = val.Int(), true
		return nil
	}
	return p.add(rule.name, val)
}

// mappedArray checks every element of an array<T> field (a single value
// counts as a one-element array) and keeps the array as JSON text.
func (p *docParser) mappedArray(rule *fieldRule) error {
	var out []any
	item := 0
	convert := func() error {
		v, err := p.Scalar()
		if err != nil || v.Kind == jsonscan.Null {
			return err
		}
		val, err := convertScalar(rule, v)
		if err != nil {
			return fmt.Errorf("field '%s' item %d: %v", rule.name, item, err)
		}
		item++
		out = append(out, valueToJSON(val))
		return nil
	}
	var err error
	if p.Peek() == '[' {
		err = p.Container(convert)
	} else {
		err = convert()
	}
	if err != nil || out == nil {
		return err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("field '%s': %v", rule.name, err)
	}
	return p.add(rule.name, event.StringValue(string(b)))
}

// convertScalar checks one JSON value against a scalar field type. Numeric
// and bool fields also accept strings holding a number or bool, as
// Quickwit's default `coerce: true` does.
func convertScalar(rule *fieldRule, v jsonscan.Val) (event.Value, error) {
	switch rule.typ {
	case TypeText:
		if v.Kind == jsonscan.String {
			return event.StringValue(v.S), nil
		}
		return event.Value{}, fmt.Errorf("expected a string, got %s", describeJSON(v))
	case TypeI64, TypeU64, TypeF64:
		num, ok := numberText(v)
		if !ok {
			return event.Value{}, fmt.Errorf("expected a number, got %s", describeJSON(v))
		}
		return convertNumber(rule.typ, num, v)
	case TypeBool:
		switch {
		case v.Kind == jsonscan.Bool:
			return event.BoolValue(v.B), nil
		case v.Kind == jsonscan.String && (v.S == "true" || v.S == "false"):
			return event.BoolValue(v.S == "true"), nil
		}
		return event.Value{}, fmt.Errorf("expected a bool, got %s", describeJSON(v))
	case TypeDatetime:
		switch v.Kind {
		case jsonscan.String:
			ns, err := parseDatetimeString(v.S, rule.formats)
			return event.TimeNanosValue(ns), err
		case jsonscan.Number:
			ns, err := parseDatetimeNumber(v.S, rule.formats)
			return event.TimeNanosValue(ns), err
		}
		return event.Value{}, fmt.Errorf("expected a datetime string or Unix timestamp, got %s", describeJSON(v))
	case TypeIP:
		if v.Kind != jsonscan.String {
			return event.Value{}, fmt.Errorf("expected an IP address string, got %s", describeJSON(v))
		}
		addr, err := netip.ParseAddr(v.S)
		if err != nil {
			return event.Value{}, fmt.Errorf("expected an IP address, got string %q", truncateForError(v.S))
		}
		return event.IPValue(addr.Unmap().WithZone("").String()), nil
	}
	return event.Value{}, fmt.Errorf("type %s cannot hold a single value", rule.typ)
}

func numberText(v jsonscan.Val) (string, bool) {
	switch v.Kind {
	case jsonscan.Number:
		return v.S, true
	case jsonscan.String:
		if f, err := strconv.ParseFloat(v.S, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return v.S, true
		}
	}
	return "", false
}

func convertNumber(typ, num string, orig jsonscan.Val) (event.Value, error) {
	switch typ {
	case TypeI64:
		if i, err := strconv.ParseInt(num, 10, 64); err == nil {
			return event.Int64Value(i), nil
		}
		if f, err := strconv.ParseFloat(num, 64); err == nil && f == float64(int64(f)) && f >= -(1<<63) && f < 1<<63 {
			return event.Int64Value(int64(f)), nil
		}
		return event.Value{}, fmt.Errorf("expected a 64-bit signed integer, got %s", describeJSON(orig))
	case TypeU64:
		if u, err := strconv.ParseUint(num, 10, 64); err == nil {
			return event.Uint64Value(u), nil
		}
		if f, err := strconv.ParseFloat(num, 64); err == nil && f >= 0 && f < 1<<64 && f == float64(uint64(f)) {
			return event.Uint64Value(uint64(f)), nil
		}
		return event.Value{}, fmt.Errorf("expected a 64-bit unsigned integer, got %s", describeJSON(orig))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return event.Value{}, fmt.Errorf("expected a 64-bit float, got %s", describeJSON(orig))
	}
	return event.Float64Value(f), nil
}

// describeJSON renders a JSON value for an error message: its kind and a
// short form of it.
func describeJSON(v jsonscan.Val) string {
	switch v.Kind {
	case jsonscan.String:
		return fmt.Sprintf("string %q", truncateForError(v.S))
	case jsonscan.Number:
		return "number " + truncateForError(v.S)
	case jsonscan.Bool:
		return "bool " + strconv.FormatBool(v.B)
	case jsonscan.Object:
		return "an object"
	case jsonscan.Array:
		return "an array"
	}
	return "null"
}

func valueToJSON(v event.Value) any {
	switch v.Kind {
	case event.KindInt64:
		return v.Int()
	case event.KindUint64:
		return v.Uint()
	case event.KindFloat64:
		return v.Float()
	case event.KindBool:
		return v.Bool()
	}
	return v.Text()
}
