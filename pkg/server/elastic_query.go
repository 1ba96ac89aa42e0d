package server

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// esSchema is what translating Elasticsearch's query DSL needs to know of
// one index: which fields hold datetimes (range bounds in epoch
// milliseconds become RFC 3339) and which text is tokenized (match splits
// its text into words there).
type esSchema struct {
	timestampField string
	types          map[string]string
	tokenized      map[string]bool
}

func (s *esSchema) isDate(field string) bool {
	return field == s.timestampField || s.types[field] == "datetime"
}

// maxDSLDepth bounds the nesting of bool queries, so a hostile body cannot
// exhaust the stack.
const maxDSLDepth = 64

// dslCompiler turns Elasticsearch's query DSL into Triage's query AST, the
// form the engine runs (printed as query text).
type dslCompiler struct {
	schema *esSchema
	depth  int
	// limits bound query_string text, as the engine bounds query text.
	limits query.Limits
}

// compileDSL translates a request's "query" object; a missing one matches all.
func compileDSL(raw json.RawMessage, schema *esSchema, limits query.Limits) (query.Node, error) {
	if len(raw) == 0 {
		return query.MatchAll{}, nil
	}
	c := &dslCompiler{schema: schema, limits: limits}
	return c.node(raw, "query")
}

func (c *dslCompiler) node(raw json.RawMessage, where string) (query.Node, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDSLDepth {
		return nil, badRequest("[%s] nests queries more than %d levels deep; simplify it", where, maxDSLDepth)
	}
	o, err := objectAt(raw, where)
	if err != nil {
		return nil, err
	}
	kind, body, err := o.single()
	if err != nil {
		return nil, err
	}
	where += "." + kind
	switch kind {
	case "match_all", "match_none":
		b, err := objectAt(body, where)
		if err != nil {
			return nil, err
		}
		b.ignore("boost", "_name")
		if err := b.done(); err != nil {
			return nil, err
		}
		if kind == "match_none" {
			return query.Not{Clause: query.MatchAll{}}, nil
		}
		return query.MatchAll{}, nil
	case "bool":
		return c.boolQuery(body, where)
	case "query_string":
		return c.queryString(body, where)
	case "terms":
		return c.terms(body, where)
	case "exists":
		b, err := objectAt(body, where)
		if err != nil {
			return nil, err
		}
		var field string
		if err := b.take("field", &field); err != nil {
			return nil, err
		}
		b.ignore("boost", "_name")
		if err := b.done(); err != nil {
			return nil, err
		}
		if field == "" {
			return nil, badRequest("[%s] needs a field", where)
		}
		return query.Exists{Field: field}, nil
	case "term", "match", "match_phrase", "match_phrase_prefix", "prefix", "range":
		return c.fieldQuery(kind, body, where)
	}
	return nil, badRequest("unknown query [%s] at [%s]: Triage supports bool, term, terms, match, match_phrase, match_phrase_prefix, "+
		"prefix, range, exists, query_string, match_all and match_none", kind, strings.TrimSuffix(where, "."+kind))
}

// boolQuery: must and filter clauses are required, must_not excluded; should
// clauses are alternatives, required (at least one) only when nothing else
// is or minimum_should_match asks for one, as in Elasticsearch's filter
// context.
func (c *dslCompiler) boolQuery(body json.RawMessage, where string) (query.Node, error) {
	b, err := objectAt(body, where)
	if err != nil {
		return nil, err
	}
	clauses := func(key string) ([]query.Node, error) {
		var out []query.Node
		for i, r := range oneOrMany(b.raw(key)) {
			n, err := c.node(r, where+"."+key+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	}
	var must []query.Node
	for _, key := range []string{"must", "filter"} {
		ns, err := clauses(key)
		if err != nil {
			return nil, err
		}
		must = append(must, ns...)
	}
	not, err := clauses("must_not")
	if err != nil {
		return nil, err
	}
	should, err := clauses("should")
	if err != nil {
		return nil, err
	}
	minShould := -1
	if b.has("minimum_should_match") {
		if minShould, err = flexInt(b.raw("minimum_should_match"), where+".minimum_should_match"); err != nil {
			return nil, err
		}
		if minShould < 0 || minShould > 1 {
			return nil, badRequest("[%s.minimum_should_match] %d is not supported; use 0 or 1", where, minShould)
		}
	}
	b.ignore("boost", "_name", "adjust_pure_negative")
	if err := b.done(); err != nil {
		return nil, err
	}
	if len(should) > 0 && (minShould == 1 || (minShould < 0 && len(must) == 0 && len(not) == 0)) {
		must = append(must, query.Or{Clauses: should})
	}
	for _, n := range not {
		must = append(must, query.Not{Clause: n})
	}
	if len(must) == 0 {
		return query.MatchAll{}, nil
	}
	return query.Normalize(query.And{Clauses: must}), nil
}

func (c *dslCompiler) queryString(body json.RawMessage, where string) (query.Node, error) {
	b, err := objectAt(body, where)
	if err != nil {
		return nil, err
	}
	var text, op, defaultField, tz string
	var fields []string
	for key, dst := range map[string]any{"query": &text, "default_operator": &op, "default_field": &defaultField, "fields": &fields, "time_zone": &tz} {
		if err := b.take(key, dst); err != nil {
			return nil, err
		}
	}
	b.ignore("analyze_wildcard", "lenient", "allow_leading_wildcard", "boost", "_name", "auto_generate_synonyms_phrase_query", "escape")
	if err := b.done(); err != nil {
		return nil, err
	}
	if !isUTC(tz) {
		return nil, badRequest("[%s.time_zone] %q is not supported; write datetimes with their offset (RFC 3339)", where, tz)
	}
	var n query.Node
	switch strings.ToUpper(op) {
	case "", "OR":
		n, err = query.ParseDefaultOrWithLimits(text, c.limits)
	case "AND":
		n, err = query.ParseWithLimits(text, c.limits)
	default:
		return nil, badRequest("[%s.default_operator] %q: use AND or OR", where, op)
	}
	if err != nil {
		return nil, badRequest("[%s.query] %v", where, err)
	}
	if defaultField != "" && defaultField != "*" {
		fields = append(fields, defaultField)
	}
	return withDefaultFields(n, fields), nil
}

func isUTC(tz string) bool {
	switch strings.ToUpper(tz) {
	case "", "UTC", "Z", "+00:00", "GMT", "ETC/UTC":
		return true
	}
	return false
}

// withDefaultFields searches clauses written without a field in fields
// (any of them) instead of the index's default search fields; no fields
// leaves them to the index.
func withDefaultFields(n query.Node, fields []string) query.Node {
	if len(fields) == 0 {
		return n
	}
	each := func(mk func(string) query.Node) query.Node {
		alts := make([]query.Node, len(fields))
		for i, f := range fields {
			alts[i] = mk(f)
		}
		if len(alts) == 1 {
			return alts[0]
		}
		return query.Or{Clauses: alts}
	}
	switch v := n.(type) {
	case query.And:
		out := make([]query.Node, len(v.Clauses))
		for i, c := range v.Clauses {
			out[i] = withDefaultFields(c, fields)
		}
		return query.And{Clauses: out}
	case query.Or:
		out := make([]query.Node, len(v.Clauses))
		for i, c := range v.Clauses {
			out[i] = withDefaultFields(c, fields)
		}
		return query.Or{Clauses: out}
	case query.Not:
		return query.Not{Clause: withDefaultFields(v.Clause, fields)}
	case query.Term:
		if v.Field == "" {
			return each(func(f string) query.Node { return query.Term{Field: f, Value: v.Value} })
		}
	case query.Phrase:
		if v.Field == "" {
			return each(func(f string) query.Node { return query.Phrase{Field: f, Text: v.Text, Prefix: v.Prefix} })
		}
	case query.Prefix:
		if v.Field == "" {
			return each(func(f string) query.Node { return query.Prefix{Field: f, Value: v.Value} })
		}
	}
	return n
}

// fieldBody reads the body of a query on one field, {"field": …} (boost
// and _name, which only tune scoring, aside).
func fieldBody(body json.RawMessage, where string) (string, json.RawMessage, error) {
	b, err := objectAt(body, where)
	if err != nil {
		return "", nil, err
	}
	b.ignore("boost", "_name")
	return b.single()
}

func (c *dslCompiler) terms(body json.RawMessage, where string) (query.Node, error) {
	field, raw, err := fieldBody(body, where)
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("[%s.%s] must be an array of values (terms lookup is not supported)", where, field)
	}
	set := query.Set{Field: field}
	for i, r := range list {
		v, err := scalarText(r, where+"."+field+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		set.Values = append(set.Values, v)
	}
	return query.Normalize(set), nil
}

// fieldQuery reads the queries shaped {"kind": {"field": value}} or
// {"kind": {"field": {"value"|"query": value, options…}}}.
func (c *dslCompiler) fieldQuery(kind string, body json.RawMessage, where string) (query.Node, error) {
	field, raw, err := fieldBody(body, where)
	if err != nil {
		return nil, err
	}
	where += "." + field
	if kind == "range" {
		return c.rangeQuery(field, raw, where)
	}
	var text string
	opts := &jsonObject{where: where, keys: map[string]json.RawMessage{}}
	if r := strings.TrimSpace(string(raw)); strings.HasPrefix(r, "{") {
		if opts, err = objectAt(raw, where); err != nil {
			return nil, err
		}
		key := "query"
		if kind == "term" || kind == "prefix" {
			key = "value"
		}
		if text, err = scalarText(opts.raw(key), where+"."+key); err != nil {
			return nil, err
		}
		opts.ignore("boost", "_name", "lenient", "auto_generate_synonyms_phrase_query", "max_expansions", "rewrite")
	} else if text, err = scalarText(raw, where); err != nil {
		return nil, err
	}
	var n query.Node
	switch kind {
	case "term":
		n = query.Term{Field: field, Value: text}
	case "prefix":
		n = query.Prefix{Field: field, Value: text}
	case "match_phrase", "match_phrase_prefix":
		slop := 0
		if opts.has("slop") {
			if slop, err = flexInt(opts.raw("slop"), where+".slop"); err != nil {
				return nil, err
			}
		}
		if slop != 0 {
			return nil, badRequest("[%s.slop] %d is not supported; phrases match their words in order, adjacent", where, slop)
		}
		n = query.Phrase{Field: field, Text: text, Prefix: kind == "match_phrase_prefix"}
	case "match":
		var op string
		if err := opts.take("operator", &op); err != nil {
			return nil, err
		}
		if n, err = c.match(field, text, op, where); err != nil {
			return nil, err
		}
	}
	if err := opts.done(); err != nil {
		return nil, err
	}
	return query.Normalize(n), nil
}

// match searches the words of text in a tokenized field (any of them, or
// all with operator AND), and the whole value in other fields.
func (c *dslCompiler) match(field, text, op, where string) (query.Node, error) {
	if !c.schema.tokenized[field] {
		return query.Term{Field: field, Value: text}, nil
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return query.Not{Clause: query.MatchAll{}}, nil
	}
	terms := make([]query.Node, len(words))
	for i, w := range words {
		terms[i] = query.Term{Field: field, Value: w}
	}
	switch strings.ToUpper(op) {
	case "", "OR":
		return query.Or{Clauses: terms}, nil
	case "AND":
		return query.And{Clauses: terms}, nil
	}
	return nil, badRequest("[%s.operator] %q: use and or or", where, op)
}

func (c *dslCompiler) rangeQuery(field string, raw json.RawMessage, where string) (query.Node, error) {
	o, err := objectAt(raw, where)
	if err != nil {
		return nil, err
	}
	var format, tz string
	if err := o.take("format", &format); err != nil {
		return nil, err
	}
	if err := o.take("time_zone", &tz); err != nil {
		return nil, err
	}
	if !isUTC(tz) {
		return nil, badRequest("[%s.time_zone] %q is not supported; write datetimes with their offset (RFC 3339)", where, tz)
	}
	r := query.Range{Field: field, Lower: query.Bound{Unbounded: true}, Upper: query.Bound{Unbounded: true}}
	bound := func(key string, dst *query.Bound, inclusive bool) error {
		if !o.has(key) {
			delete(o.keys, key)
			return nil
		}
		v, err := c.rangeValue(field, o.raw(key), format, where+"."+key)
		if err != nil {
			return err
		}
		*dst = query.Bound{Value: v, Inclusive: inclusive}
		return nil
	}
	// The legacy from/to/include_lower/include_upper form, then the current one.
	incLower, incUpper := true, true
	if err := o.take("include_lower", &incLower); err != nil {
		return nil, err
	}
	if err := o.take("include_upper", &incUpper); err != nil {
		return nil, err
	}
	for _, bd := range []struct {
		key       string
		dst       *query.Bound
		inclusive bool
	}{{"from", &r.Lower, incLower}, {"to", &r.Upper, incUpper}, {"gte", &r.Lower, true}, {"gt", &r.Lower, false},
		{"lte", &r.Upper, true}, {"lt", &r.Upper, false}} {
		if err := bound(bd.key, bd.dst, bd.inclusive); err != nil {
			return nil, err
		}
	}
	o.ignore("boost", "_name", "relation")
	if err := o.done(); err != nil {
		return nil, err
	}
	return r, nil
}

// rangeValue renders a range bound as query text: on datetime fields a
// number (or any value with an epoch format) is Unix milliseconds
// (seconds for epoch_second), written as RFC 3339; other values pass as
// written (RFC 3339 and date math such as now-15m are query syntax).
func (c *dslCompiler) rangeValue(field string, raw json.RawMessage, format, where string) (string, error) {
	text, err := scalarText(raw, where)
	if err != nil {
		return "", err
	}
	if !c.schema.isDate(field) && format == "" {
		return text, nil
	}
	isNumber := strings.TrimSpace(string(raw)) != "" && strings.TrimSpace(string(raw))[0] != '"'
	unit := time.Duration(0)
	for _, f := range strings.Split(format, "||") {
		switch strings.TrimSpace(f) {
		case "epoch_millis":
			unit = time.Millisecond
		case "epoch_second":
			if unit == 0 {
				unit = time.Second
			}
		}
	}
	if unit == 0 && isNumber {
		unit = time.Millisecond // Elasticsearch's default date format accepts epoch_millis
	}
	if unit == 0 {
		return text, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if isNumber {
			return "", badRequest("[%s] %s is not a number of %s", where, text, unitName(unit))
		}
		return text, nil // a formatted date beside an epoch alternative
	}
	if math.IsNaN(f) {
		return "", badRequest("[%s] %s is not a number of %s", where, text, unitName(unit))
	}
	// Past the years a query may name means "later (earlier) than anything
	// stored", as the search API's start_timestamp and end_timestamp do.
	return query.ClampDate(query.UnixUnits(f, unit)).Format(time.RFC3339Nano), nil
}

func unitName(d time.Duration) string {
	if d == time.Second {
		return "seconds (epoch_second)"
	}
	return "milliseconds (epoch_millis)"
}

// splitTimeRange moves top-level conditions on the timestamp field out of
// n into [start, end), which lets the engine skip whole splits and gives
// date histograms their range. Bounds it cannot evaluate stay in the query.
func splitTimeRange(n query.Node, tsField string, now time.Time) (query.Node, time.Time, time.Time) {
	var start, end time.Time
	take := func(c query.Node) bool {
		r, ok := c.(query.Range)
		if !ok || r.Field != tsField {
			return false
		}
		var lo, hi time.Time
		if !r.Lower.Unbounded {
			t, err := query.ParseDateMath(r.Lower.Value, now, !r.Lower.Inclusive)
			if err != nil {
				return false
			}
			if !r.Lower.Inclusive {
				t = t.Add(time.Nanosecond)
			}
			lo = t
		}
		if !r.Upper.Unbounded {
			t, err := query.ParseDateMath(r.Upper.Value, now, r.Upper.Inclusive)
			if err != nil {
				return false
			}
			if r.Upper.Inclusive {
				t = t.Add(time.Nanosecond)
			}
			hi = t
		}
		if !lo.IsZero() && (start.IsZero() || lo.After(start)) {
			start = lo
		}
		if !hi.IsZero() && (end.IsZero() || hi.Before(end)) {
			end = hi
		}
		return true
	}
	switch v := n.(type) {
	case query.Range:
		if take(v) {
			return query.MatchAll{}, start, end
		}
	case query.And:
		var rest []query.Node
		for _, c := range v.Clauses {
			if !take(c) {
				rest = append(rest, c)
			}
		}
		if len(rest) == 0 {
			return query.MatchAll{}, start, end
		}
		return query.Normalize(query.And{Clauses: rest}), start, end
	}
	return n, start, end
}
