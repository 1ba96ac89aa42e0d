package event

import (
	"math"
	"strconv"
	"time"
)

// Kind is the type of one field value. It decides how a column of the
// field is encoded and how query values are compared with it.
type Kind uint8

const (
	KindNull Kind = iota
	KindString
	KindInt64
	KindUint64
	KindFloat64
	KindBool
	// KindTime holds Unix nanoseconds in Int.
	KindTime
	// KindIP holds the address' text form in Str (IPv4 in dotted form, IPv6 canonical).
	KindIP
)

var kindNames = [...]string{"null", "string", "i64", "u64", "f64", "bool", "datetime", "ip"}

// Known reports whether k is one of the kinds above; a decoder checks a
// kind byte read from disk with it.
func (k Kind) Known() bool { return int(k) < len(kindNames) }

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one typed field value: Kind says which of its members holds it.
// Numbers and booleans share one word (Int, Uint, Float and Bool read it),
// so a Value is 32 bytes, not 56: an ingest buffer holds each event's
// fields as Values, and they were its largest part (heap profiles of a
// 10M ingest, issue 14). It has no pointers besides Str, so rows stay
// cheap to copy.
type Value struct {
	Str  string
	bits uint64
	Kind Kind
}

func StringValue(s string) Value     { return Value{Kind: KindString, Str: s} }
func Int64Value(v int64) Value       { return Value{Kind: KindInt64, bits: uint64(v)} }
func Uint64Value(v uint64) Value     { return Value{Kind: KindUint64, bits: v} }
func Float64Value(v float64) Value   { return Value{Kind: KindFloat64, bits: math.Float64bits(v)} }
func BoolValue(v bool) Value         { return Value{Kind: KindBool, bits: boolBits(v)} }
func TimeValue(t time.Time) Value    { return Value{Kind: KindTime, bits: uint64(t.UnixNano())} }
func TimeNanosValue(ns int64) Value  { return Value{Kind: KindTime, bits: uint64(ns)} }
func IPValue(canonical string) Value { return Value{Kind: KindIP, Str: canonical} }

// Int is the value of KindInt64 and KindTime (Unix nanoseconds).
func (v Value) Int() int64 { return int64(v.bits) }

// Uint is the value of KindUint64.
func (v Value) Uint() uint64 { return v.bits }

// Float is the value of KindFloat64.
func (v Value) Float() float64 { return math.Float64frombits(v.bits) }

// Bool is the value of KindBool.
func (v Value) Bool() bool { return v.bits != 0 }

// Key returns v in the form where equal values are equal with ==, for map
// keys: a float's zero and negative zero share one word. (Before numbers
// shared a word, Float held them and == already treated them as equal.)
func (v Value) Key() Value {
	if v.Kind == KindFloat64 && v.Float() == 0 {
		return Float64Value(0)
	}
	return v
}

func boolBits(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// AsFloat returns the value as a float64 for numeric aggregation; ok is false
// for kinds that are not numbers.
func (v Value) AsFloat() (f float64, ok bool) {
	switch v.Kind {
	case KindInt64, KindTime:
		return float64(v.Int()), true
	case KindUint64:
		return float64(v.Uint()), true
	case KindFloat64:
		if math.IsNaN(v.Float()) {
			return 0, false
		}
		return v.Float(), true
	}
	return 0, false
}

// Text renders the value the way it is shown to users and matched by
// keyword (raw) queries.
func (v Value) Text() string {
	switch v.Kind {
	case KindString, KindIP:
		return v.Str
	case KindInt64:
		return strconv.FormatInt(v.Int(), 10)
	case KindUint64:
		return strconv.FormatUint(v.Uint(), 10)
	case KindFloat64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case KindBool:
		return strconv.FormatBool(v.Bool())
	case KindTime:
		return time.Unix(0, v.Int()).UTC().Format(time.RFC3339Nano)
	}
	return ""
}

// JSON returns the value as encoding/json renders it in documents and
// labels: numbers and booleans as themselves, times and IPs as text.
func (v Value) JSON() any {
	switch v.Kind {
	case KindInt64:
		return v.Int()
	case KindUint64:
		return v.Uint()
	case KindFloat64:
		if f, ok := v.AsFloat(); ok {
			return f
		}
		return nil
	case KindBool:
		return v.Bool()
	case KindNull:
		return nil
	}
	return v.Text()
}

// Field is one named value of an event. Nested JSON objects are flattened
// to dotted names (`k8s.pod.name`) so every field is a column.
type Field struct {
	Name  string
	Value Value
}

// Event is one ingested document after it was checked against its index's
// mapping. Events are ordered by (Timestamp, Seq); Seq is assigned by the
// engine at ingest, unique and increasing within an index, so the order is
// total and stable across queries (Explore's paging relies on it).
type Event struct {
	// Timestamp is Unix nanoseconds of the mapping's timestamp field.
	Timestamp int64
	Seq       uint64
	// Fields excludes the timestamp field; names are unique within an event.
	Fields []Field
}

// Get returns the value of the named field.
func (e *Event) Get(name string) (Value, bool) {
	for i := range e.Fields {
		if e.Fields[i].Name == name {
			return e.Fields[i].Value, true
		}
	}
	return Value{}, false
}

// Before reports whether e sorts before o in the engine's stable order.
func (e *Event) Before(o *Event) bool {
	if e.Timestamp != o.Timestamp {
		return e.Timestamp < o.Timestamp
	}
	return e.Seq < o.Seq
}

// FieldIndex finds name among ev's fields, trying first the position
// where it was last found (events of one source share a field layout);
// it returns -1 when ev lacks the field.
func FieldIndex(ev *Event, name string, hint *int) int {
	if h := *hint; h < len(ev.Fields) && ev.Fields[h].Name == name {
		return h
	}
	for i := range ev.Fields {
		if ev.Fields[i].Name == name {
			*hint = i
			return i
		}
	}
	return -1
}
