package query

// ParseDefaultOr parses text as Elasticsearch's query_string does with its
// default operator OR (Quickwit's `_elastic` API too): juxtaposed clauses
// are alternatives (`a b` is `a OR b`), AND still binds tighter than OR,
// and the Lucene prefixes keep their meaning among alternatives: a `+`
// clause is required (the optional ones then filter nothing, as in a
// Lucene boolean query without scoring) and a `-`/NOT clause excludes.
// Only prohibitions (`-a -b`) match every document but those, as
// Elasticsearch's query_string does.
//
// ParseDefaultOr applies the default Limits, as Parse does;
// ParseDefaultOrWithLimits takes others.
func ParseDefaultOr(text string) (Node, error) {
	return ParseDefaultOrWithLimits(text, Limits{})
}

// ParseDefaultOrWithLimits is ParseDefaultOr with explicit limits, checked
// as ParseWithLimits checks them.
func ParseDefaultOrWithLimits(text string, lim Limits) (Node, error) {
	return parseLimited(&parser{text: text, defaultOr: true}, lim)
}

// atPlus reports whether a '+' (required) clause starts here in default-OR
// mode; Parse's AND mode needs no record of it.
func (p *parser) atPlus() bool {
	return p.defaultOr && p.pos < len(p.text) && p.text[p.pos] == '+'
}

// combineDefaultOr joins the alternatives of one OR level: required and
// prohibited clauses must hold, the optional ones count only when nothing
// is required.
func combineDefaultOr(clauses []Node, required []bool) Node {
	var must, optional []Node
	for i, c := range clauses {
		_, prohibited := c.(Not)
		switch {
		case required[i] || prohibited:
			must = append(must, c)
		default:
			optional = append(optional, c)
		}
	}
	hasRequired := false
	for i := range clauses {
		if required[i] {
			hasRequired = true
		}
	}
	if len(optional) > 0 && !hasRequired {
		if len(optional) == 1 {
			must = append(must, optional[0])
		} else {
			must = append(must, joinOr(optional))
		}
	}
	if len(must) == 1 {
		return must[0]
	}
	return joinAnd(must)
}
