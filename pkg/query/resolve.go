package query

import (
	"fmt"
	"strings"
	"time"
)

// Resolve turns a parsed query into the Filter the engine executes: it checks
// field names against schema (unknown fields are errors in strict mappings),
// expands clauses without a field to the default search fields (keeping only
// the fields the value fits), types values (numbers, booleans, IPs,
// datetimes), and evaluates date math against now. Range ends round like
// Elasticsearch's: `>=now/d` from the start of today, `<=now/d` to its end.
func Resolve(node Node, schema Schema, now time.Time) (Filter, error) {
	r := resolver{schema: schema, now: now}
	return r.resolve(node)
}

type resolver struct {
	schema Schema
	now    time.Time
}

func (r *resolver) resolve(node Node) (Filter, error) {
	switch v := node.(type) {
	case MatchAll:
		return FilterAll{}, nil
	case And:
		fs, err := r.resolveAll(v.Clauses)
		return FilterAnd{Filters: fs}, err
	case Or:
		fs, err := r.resolveAll(v.Clauses)
		return FilterOr{Filters: fs}, err
	case Not:
		f, err := r.resolve(v.Clause)
		if err != nil {
			return nil, err
		}
		return FilterNot{Filter: f}, nil
	case Term:
		return r.perField(v.Field, v.Value, func(fi FieldInfo) (Filter, error) {
			val, err := r.typeValue(fi, v.Value, false)
			return FilterTerm{Field: fi, Value: val}, err
		})
	case Phrase:
		return r.perField(v.Field, v.Text, func(fi FieldInfo) (Filter, error) {
			if fi.Type == TypeText || fi.Type == TypeJSON {
				return FilterPhrase{Field: fi, Text: v.Text, Prefix: v.Prefix}, nil
			}
			if v.Prefix {
				return nil, fmt.Errorf("field '%s' holds %s; a phrase prefix search needs a text field", fi.Name, fi.Type.holds())
			}
			val, err := r.typeValue(fi, v.Text, false)
			return FilterTerm{Field: fi, Value: val}, err
		})
	case Prefix:
		return r.perField(v.Field, v.Value+"*", func(fi FieldInfo) (Filter, error) {
			if fi.Type != TypeText && fi.Type != TypeJSON {
				return nil, fmt.Errorf("field '%s' holds %s; a prefix search ('%s*') needs a text field", fi.Name, fi.Type.holds(), v.Value)
			}
			return FilterPrefix{Field: fi, Prefix: v.Value}, nil
		})
	case Set:
		return r.perField(v.Field, strings.Join(v.Values, " "), func(fi FieldInfo) (Filter, error) {
			vals := make([]Value, len(v.Values))
			for i, s := range v.Values {
				val, err := r.typeValue(fi, s, false)
				if err != nil {
					return nil, err
				}
				vals[i] = val
			}
			return FilterSet{Field: fi, Values: vals}, nil
		})
	case Range:
		return r.perField(v.Field, "", func(fi FieldInfo) (Filter, error) { return r.resolveRange(fi, v) })
	case Exists:
		fi, err := r.field(v.Field)
		if err != nil {
			return nil, err
		}
		return FilterExists{Field: fi}, nil
	}
	return nil, fmt.Errorf("resolve: unknown node type %T", node)
}

func (r *resolver) resolveAll(nodes []Node) ([]Filter, error) {
	fs := make([]Filter, len(nodes))
	for i, n := range nodes {
		f, err := r.resolve(n)
		if err != nil {
			return nil, err
		}
		fs[i] = f
	}
	return fs, nil
}

// perField applies build to the named field, or, when field is "", to every
// default search field the clause fits (an Or when more than one does).
func (r *resolver) perField(field, shown string, build func(FieldInfo) (Filter, error)) (Filter, error) {
	if field != "" {
		fi, err := r.field(field)
		if err != nil {
			return nil, err
		}
		return build(fi)
	}
	defaults := r.schema.DefaultFields()
	if len(defaults) == 0 {
		return nil, fmt.Errorf("'%s' has no field and the index has no default search fields; write field:value or set search_settings.default_search_fields", shown)
	}
	var fs []Filter
	var firstErr error
	for _, name := range defaults {
		fi, err := r.field(name)
		if err == nil {
			var f Filter
			if f, err = build(fi); err == nil {
				fs = append(fs, f)
				continue
			}
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	switch len(fs) {
	case 0:
		return nil, fmt.Errorf("'%s' fits none of the default search fields (%s): %w", shown, strings.Join(defaults, ", "), firstErr)
	case 1:
		return fs[0], nil
	}
	return FilterOr{Filters: fs}, nil
}

// field looks a field up; outside a strict mapping an unknown field is
// untyped (json), as Quickwit's dynamic mode treats it.
func (r *resolver) field(name string) (FieldInfo, error) {
	if fi, ok := r.schema.Field(name); ok {
		if fi.Name == "" {
			fi.Name = name
		}
		return fi, nil
	}
	if !r.schema.Strict() {
		return FieldInfo{Name: name, Type: TypeJSON}, nil
	}
	msg := fmt.Sprintf("unknown field '%s' (the index mapping is strict)", name)
	if s := suggest(name, r.schema.FieldNames()); s != "" {
		msg += fmt.Sprintf("; did you mean '%s'?", s)
	}
	return FieldInfo{}, fmt.Errorf("%s", msg)
}

func (r *resolver) resolveRange(fi FieldInfo, rg Range) (Filter, error) {
	if fi.Type == TypeBool {
		return nil, fmt.Errorf("field '%s' holds booleans; a range needs numbers, datetimes, IP addresses or text", fi.Name)
	}
	lower, err := r.typeBound(fi, rg.Lower, !rg.Lower.Inclusive)
	if err != nil {
		return nil, err
	}
	upper, err := r.typeBound(fi, rg.Upper, rg.Upper.Inclusive)
	if err != nil {
		return nil, err
	}
	return FilterRange{Field: fi, Lower: lower, Upper: upper}, nil
}

// typeBound types one range end; roundUp follows Elasticsearch (gt and lte
// round date math up).
func (r *resolver) typeBound(fi FieldInfo, b Bound, roundUp bool) (ValueBound, error) {
	if b.Unbounded {
		return ValueBound{Unbounded: true}, nil
	}
	v, err := r.typeValue(fi, b.Value, roundUp)
	return ValueBound{Value: v, Inclusive: b.Inclusive}, err
}
