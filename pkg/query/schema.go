package query

import "strings"

// FieldType is a field's type as resolution needs it. The engine maps its
// doc mapping onto these; they follow Quickwit's field types.
type FieldType uint8

const (
	// TypeText is a string field, matched by tokens or exactly (Tokenizer).
	TypeText FieldType = iota
	// TypeI64 holds signed whole numbers.
	TypeI64
	// TypeU64 holds non-negative whole numbers.
	TypeU64
	// TypeF64 holds floating-point numbers.
	TypeF64
	// TypeBool holds true/false.
	TypeBool
	// TypeDatetime holds instants; resolved values are Unix nanoseconds.
	TypeDatetime
	// TypeIP holds IPv4 or IPv6 addresses.
	TypeIP
	// TypeJSON is an object field (or a dynamic field): values under it are
	// untyped, so query values stay text and the engine compares per value.
	TypeJSON
)

var fieldTypeNames = [...]string{"text", "i64", "u64", "f64", "bool", "datetime", "ip", "json"}

// String returns the mapping's name for the type (text, i64, …).
func (t FieldType) String() string {
	if int(t) < len(fieldTypeNames) {
		return fieldTypeNames[t]
	}
	return "unknown"
}

// holds describes the values of a type for error messages.
func (t FieldType) holds() string {
	switch t {
	case TypeI64:
		return "whole numbers"
	case TypeU64:
		return "non-negative whole numbers"
	case TypeF64:
		return "numbers"
	case TypeBool:
		return "booleans (true or false)"
	case TypeDatetime:
		return "datetimes"
	case TypeIP:
		return "IP addresses"
	case TypeJSON:
		return "JSON objects"
	}
	return "text"
}

// Tokenizer says how a text field was indexed, which decides how its values match.
type Tokenizer uint8

const (
	// TokenizerDefault splits text into lower-cased words.
	TokenizerDefault Tokenizer = iota
	// TokenizerRaw keeps the whole value, case-sensitive.
	TokenizerRaw
)

// FieldInfo is what resolution needs to know about one field.
type FieldInfo struct {
	// Name is the full (possibly dotted) field name as queried.
	Name      string
	Type      FieldType
	Tokenizer Tokenizer
}

// Schema is the index mapping as resolution sees it; the engine implements it
// over its doc mapping so pkg/query never imports the engine.
type Schema interface {
	// Field looks a field up by name, dotted names included
	// (attributes.http.status reaches into a json field).
	Field(name string) (FieldInfo, bool)
	// Strict reports whether fields outside the mapping are errors.
	Strict() bool
	// DefaultFields lists the fields searched by clauses without a field.
	DefaultFields() []string
	// FieldNames lists the mapped fields, for "did you mean" suggestions.
	FieldNames() []string
}

// StaticSchema is a Schema held in memory: for tests, and for callers whose
// mapping is a fixed list.
type StaticSchema struct {
	Fields   []FieldInfo
	IsStrict bool
	Defaults []string
}

// Field finds name exactly, or under a json field for a dotted name.
func (s StaticSchema) Field(name string) (FieldInfo, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		for _, f := range s.Fields {
			if f.Name == name[:i] && f.Type == TypeJSON {
				return FieldInfo{Name: name, Type: TypeJSON}, true
			}
		}
	}
	return FieldInfo{}, false
}

// Strict reports IsStrict.
func (s StaticSchema) Strict() bool { return s.IsStrict }

// DefaultFields returns Defaults.
func (s StaticSchema) DefaultFields() []string { return s.Defaults }

// FieldNames returns the names of Fields.
func (s StaticSchema) FieldNames() []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}

// suggest returns the known name closest to name within two edits, or "".
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(name, k, bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or limit when it
// is at least limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
