package quickwitfake

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/triage-logs/triage/pkg/query"
)

// compileNode compiles a parsed query-language node; clauses without a
// field search defaults.
func (s *Server) compileNode(ix *index, n query.Node, defaults []string) (matcher, error) {
	switch v := n.(type) {
	case query.MatchAll:
		return matchAll, nil
	case query.And, query.Or:
		var clauses []query.Node
		and := false
		if a, ok := v.(query.And); ok {
			clauses, and = a.Clauses, true
		} else {
			clauses = v.(query.Or).Clauses
		}
		ms := make([]matcher, len(clauses))
		for i, c := range clauses {
			m, err := s.compileNode(ix, c, defaults)
			if err != nil {
				return nil, err
			}
			ms[i] = m
		}
		return func(d *doc) bool {
			for _, m := range ms {
				if m(d) != and {
					return !and
				}
			}
			return and
		}, nil
	case query.Not:
		m, err := s.compileNode(ix, v.Clause, defaults)
		if err != nil {
			return nil, err
		}
		return func(d *doc) bool { return !m(d) }, nil
	case query.Range:
		return s.compileRange(ix, v)
	case query.Exists:
		f, ok := s.lookup(ix, v.Field)
		if !ok {
			return func(*doc) bool { return false }, nil
		}
		if f.name == ix.cfg.DocMapping.TimestampField {
			return matchAll, nil
		}
		return func(d *doc) bool { return len(d.values[f.name]) > 0 }, nil
	}
	field, values, build := leaf(n)
	fields := []string{field}
	if field == "" {
		if len(defaults) == 0 {
			return nil, bad("query `%s` has no field and the index has no default search fields", query.Print(n))
		}
		fields = defaults
	}
	var ms []matcher
	for _, name := range fields {
		f, ok := s.lookup(ix, name)
		if !ok {
			continue
		}
		for _, val := range values {
			m, err := build(ix, f, val)
			if err != nil {
				return nil, err
			}
			ms = append(ms, m)
		}
	}
	return func(d *doc) bool {
		for _, m := range ms {
			if m(d) {
				return true
			}
		}
		return false
	}, nil
}

type leafBuilder func(ix *index, f field, value string) (matcher, error)

// leaf describes term-like nodes: their field, values and value matcher.
func leaf(n query.Node) (string, []string, leafBuilder) {
	switch v := n.(type) {
	case query.Term:
		return v.Field, []string{v.Value}, termMatcher
	case query.Set:
		return v.Field, v.Values, termMatcher
	case query.Phrase:
		return v.Field, []string{v.Text}, func(ix *index, f field, value string) (matcher, error) {
			if v.Prefix {
				return prefixMatcher(ix, f, value, true)
			}
			return termMatcher(ix, f, value)
		}
	case query.Prefix:
		return v.Field, []string{v.Value}, func(ix *index, f field, value string) (matcher, error) {
			return prefixMatcher(ix, f, value, false)
		}
	}
	return "", nil, nil
}

// lookup finds a field; one the mapping lacks (strict mode) matches nothing.
func (s *Server) lookup(ix *index, name string) (field, bool) {
	return ix.fieldOf(name)
}

// termMatcher: text fields match the value's tokens as a phrase, raw and
// dynamic strings the whole value, numbers and datetimes by value.
func termMatcher(ix *index, f field, value string) (matcher, error) {
	switch f.typ {
	case "text":
		if f.raw {
			return anyValue(f, func(x any) bool { s, ok := x.(string); return ok && s == value }), nil
		}
		want := tokenize(value)
		return anyValue(f, func(x any) bool { s, ok := x.(string); return ok && hasPhrase(tokenize(s), want, false) }), nil
	case "i64", "u64", "f64":
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, bad("failed to parse `%s` as a number for field `%s`", value, f.name)
		}
		return anyValue(f, func(x any) bool { v, ok := x.(float64); return ok && v == n }), nil
	case "bool":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return nil, bad("failed to parse `%s` as a boolean for field `%s`", value, f.name)
		}
		return anyValue(f, func(x any) bool { v, ok := x.(bool); return ok && v == b }), nil
	case "datetime":
		t, err := parseDatetime(f.name, value)
		if err != nil {
			return nil, err
		}
		want := t.Truncate(time.Second).UnixNano()
		return func(d *doc) bool { return datetimeOf(ix, f, d) == want }, nil
	}
	// Dynamic (raw) values: strings exactly, numbers by value.
	n, numErr := strconv.ParseFloat(value, 64)
	return anyValue(f, func(x any) bool {
		switch v := x.(type) {
		case string:
			return v == value
		case float64:
			return numErr == nil && v == n
		case bool:
			return strconv.FormatBool(v) == value
		}
		return false
	}), nil
}

// prefixMatcher: text fields match a token prefix (phrase: the last
// token), raw values a value prefix.
func prefixMatcher(_ *index, f field, value string, phrase bool) (matcher, error) {
	if f.typ != "text" && f.typ != "dynamic" && f.typ != "json" {
		return nil, bad("prefix queries need a text field, `%s` is %s", f.name, f.typ)
	}
	if f.typ == "text" && !f.raw {
		want := tokenize(value)
		if !phrase && len(want) > 1 {
			want = want[len(want)-1:]
		}
		return anyValue(f, func(x any) bool { s, ok := x.(string); return ok && hasPhrase(tokenize(s), want, true) }), nil
	}
	return anyValue(f, func(x any) bool { s, ok := x.(string); return ok && strings.HasPrefix(s, value) }), nil
}

func anyValue(f field, pred func(any) bool) matcher {
	return func(d *doc) bool { return slices.ContainsFunc(d.values[f.name], pred) }
}

// datetimeOf is a datetime field's fast value (seconds) in a document.
func datetimeOf(ix *index, f field, d *doc) int64 {
	if f.name == ix.cfg.DocMapping.TimestampField {
		return d.ts
	}
	if vals := d.values[f.name]; len(vals) > 0 {
		if t, err := parseTimestamp(vals[0]); err == nil {
			return t.Truncate(time.Second).UnixNano()
		}
	}
	return math.MinInt64
}

// compileRange ranges fast fields only; text ranges need Quickwit 0.9.
func (s *Server) compileRange(ix *index, r query.Range) (matcher, error) {
	f, ok := s.lookup(ix, r.Field)
	if !ok {
		return func(*doc) bool { return false }, nil
	}
	if !f.fast {
		return nil, bad("range queries require a fast field, `%s` is not one", f.name)
	}
	switch f.typ {
	case "datetime":
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if !r.Lower.Unbounded {
			t, err := parseDatetime(f.name, r.Lower.Value)
			if err != nil {
				return nil, err
			}
			lo = t.UnixNano()
		}
		if !r.Upper.Unbounded {
			t, err := parseDatetime(f.name, r.Upper.Value)
			if err != nil {
				return nil, err
			}
			hi = t.UnixNano()
		}
		return func(d *doc) bool {
			v := datetimeOf(ix, f, d)
			return v != math.MinInt64 && (r.Lower.Unbounded || cmpInt(v, lo, r.Lower.Inclusive, true)) &&
				(r.Upper.Unbounded || cmpInt(v, hi, r.Upper.Inclusive, false))
		}, nil
	case "text":
		if !s.atLeast(9) {
			return nil, bad("range queries on text field `%s` are not supported (they came in Quickwit 0.9)", f.name)
		}
		return anyValue(f, func(x any) bool {
			v, ok := x.(string)
			return ok && (r.Lower.Unbounded || cmpStr(v, r.Lower.Value, r.Lower.Inclusive, true)) &&
				(r.Upper.Unbounded || cmpStr(v, r.Upper.Value, r.Upper.Inclusive, false))
		}), nil
	case "bool":
		return nil, bad("range queries on bool field `%s` are not supported", f.name)
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	var err error
	if !r.Lower.Unbounded {
		if lo, err = strconv.ParseFloat(r.Lower.Value, 64); err != nil {
			return nil, bad("failed to parse range bound `%s` for field `%s`", r.Lower.Value, f.name)
		}
	}
	if !r.Upper.Unbounded {
		if hi, err = strconv.ParseFloat(r.Upper.Value, 64); err != nil {
			return nil, bad("failed to parse range bound `%s` for field `%s`", r.Upper.Value, f.name)
		}
	}
	return anyValue(f, func(x any) bool { v, ok := x.(float64); return ok && inRange(v, lo, hi, r) }), nil
}

func inRange(v, lo, hi float64, r query.Range) bool {
	if v < lo || (v == lo && !r.Lower.Inclusive && !r.Lower.Unbounded) {
		return false
	}
	return v < hi || (v == hi && (r.Upper.Inclusive || r.Upper.Unbounded))
}

func cmpInt(v, bound int64, inclusive, lower bool) bool {
	if lower {
		return v > bound || (inclusive && v == bound)
	}
	return v < bound || (inclusive && v == bound)
}

func cmpStr(v, bound string, inclusive, lower bool) bool {
	c := strings.Compare(v, bound)
	if lower {
		return c > 0 || (inclusive && c == 0)
	}
	return c < 0 || (inclusive && c == 0)
}

// tokenize is Quickwit's default tokenizer: split on every character that
// is not a letter or digit, lower-case, drop tokens over 255 bytes.
func tokenize(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(t) <= 255 {
			out = append(out, strings.ToLower(t))
		}
	}
	return out
}

// hasPhrase reports want as consecutive tokens of have; with prefix the
// last one only needs to start the token.
func hasPhrase(have, want []string, prefix bool) bool {
	if len(want) == 0 {
		return false
	}
outer:
	for i := 0; i+len(want) <= len(have); i++ {
		for j, w := range want {
			if j == len(want)-1 && prefix {
				if !strings.HasPrefix(have[i+j], w) {
					continue outer
				}
			} else if have[i+j] != w {
				continue outer
			}
		}
		return true
	}
	return false
}
