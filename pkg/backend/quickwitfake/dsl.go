package quickwitfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// matcher reports whether a document matches.
type matcher func(d *doc) bool

func matchAll(*doc) bool { return true }

// badRequest is an error Quickwit answers with 400.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return &badRequest{msg: fmt.Sprintf(format, args...)} }

// strict decodes raw into v, refusing unknown keys.
func strict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return bad("%v", err)
	}
	return nil
}

// one splits a {"kind": body} object, which must hold exactly one key.
func one(raw json.RawMessage, what string) (string, json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) != 1 {
		return "", nil, bad("a %s must be an object with exactly one key, got %s", what, raw)
	}
	for k, v := range m {
		return k, v, nil
	}
	return "", nil, nil
}

// compileDSL compiles the documented subset of the query DSL.
func (s *Server) compileDSL(ix *index, raw json.RawMessage) (matcher, error) {
	kind, body, err := one(raw, "query")
	if err != nil {
		return nil, err
	}
	switch kind {
	case "match_all":
		var v struct {
			Boost *float64 `json:"boost"`
		}
		return matchAll, strict(body, &v)
	case "bool":
		return s.compileBool(ix, body)
	case "query_string":
		var v struct {
			Query           string   `json:"query"`
			Fields          []string `json:"fields"`
			DefaultOperator string   `json:"default_operator"`
			Boost           *float64 `json:"boost"`
			Lenient         bool     `json:"lenient"`
		}
		if err := strict(body, &v); err != nil {
			return nil, err
		}
		// Quickwit, like Elasticsearch, joins juxtaposed clauses with OR
		// by default; this fake evaluates Triage's parser, which joins them
		// with AND, so it only accepts AND rather than answer wrongly.
		if v.DefaultOperator != "AND" {
			return nil, bad("fake limitation: query_string needs default_operator AND (got %q)", v.DefaultOperator)
		}
		n, err := query.Parse(v.Query)
		if err != nil {
			return nil, bad("failed to parse query `%s`: %v", v.Query, err)
		}
		defaults := v.Fields
		if len(defaults) == 0 {
			defaults = ix.cfg.SearchSettings.DefaultSearchFields
		}
		return s.compileNode(ix, n, defaults)
	case "range":
		field, spec, err := one(body, "range query")
		if err != nil {
			return nil, err
		}
		var v struct {
			Gt     any      `json:"gt"`
			Gte    any      `json:"gte"`
			Lt     any      `json:"lt"`
			Lte    any      `json:"lte"`
			Format string   `json:"format"`
			Boost  *float64 `json:"boost"`
		}
		if err := strict(spec, &v); err != nil {
			return nil, err
		}
		r := query.Range{Field: field, Lower: query.Bound{Unbounded: true}, Upper: query.Bound{Unbounded: true}}
		if v.Gt != nil || v.Gte != nil {
			r.Lower = query.Bound{Value: text(first(v.Gte, v.Gt)), Inclusive: v.Gte != nil}
		}
		if v.Lt != nil || v.Lte != nil {
			r.Upper = query.Bound{Value: text(first(v.Lte, v.Lt)), Inclusive: v.Lte != nil}
		}
		return s.compileRange(ix, r)
	case "term":
		field, spec, err := one(body, "term query")
		if err != nil {
			return nil, err
		}
		var v struct {
			Value any `json:"value"`
		}
		if err := strict(spec, &v); err != nil {
			v.Value = nil
			if json.Unmarshal(spec, &v.Value) != nil {
				return nil, err
			}
		}
		return s.compileNode(ix, query.Term{Field: field, Value: text(v.Value)}, nil)
	case "exists":
		var v struct {
			Field string `json:"field"`
		}
		if err := strict(body, &v); err != nil {
			return nil, err
		}
		return s.compileNode(ix, query.Exists{Field: v.Field}, nil)
	}
	return nil, bad("unknown query type `%s`", kind)
}

func first(a, b any) any {
	if a != nil {
		return a
	}
	return b
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (s *Server) compileBool(ix *index, body json.RawMessage) (matcher, error) {
	var v struct {
		Must               json.RawMessage `json:"must"`
		Filter             json.RawMessage `json:"filter"`
		Should             json.RawMessage `json:"should"`
		MustNot            json.RawMessage `json:"must_not"`
		MinimumShouldMatch any             `json:"minimum_should_match"`
		Boost              *float64        `json:"boost"`
	}
	if err := strict(body, &v); err != nil {
		return nil, err
	}
	list := func(raw json.RawMessage) ([]matcher, error) {
		if len(raw) == 0 {
			return nil, nil
		}
		var items []json.RawMessage
		if raw[0] != '[' {
			items = []json.RawMessage{raw}
		} else if err := json.Unmarshal(raw, &items); err != nil {
			return nil, bad("bool clauses: %v", err)
		}
		out := make([]matcher, len(items))
		for i, it := range items {
			m, err := s.compileDSL(ix, it)
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return out, nil
	}
	must, err := list(v.Must)
	if err != nil {
		return nil, err
	}
	filter, err := list(v.Filter)
	if err != nil {
		return nil, err
	}
	should, err := list(v.Should)
	if err != nil {
		return nil, err
	}
	mustNot, err := list(v.MustNot)
	if err != nil {
		return nil, err
	}
	must = append(must, filter...)
	return func(d *doc) bool {
		for _, m := range must {
			if !m(d) {
				return false
			}
		}
		for _, m := range mustNot {
			if m(d) {
				return false
			}
		}
		if len(should) > 0 && len(must) == 0 {
			for _, m := range should {
				if m(d) {
					return true
				}
			}
			return false
		}
		return true
	}, nil
}

// parseDatetime reads a datetime value as Quickwit does: RFC 3339 only.
// Date math (now-1h) and epoch milliseconds are refused.
func parseDatetime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, bad("failed to parse datetime `%s` for field `%s`: expected an RFC 3339 datetime", s, field)
	}
	return t, nil
}
