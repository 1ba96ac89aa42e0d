package query

import "strconv"

// Defaults of Limits. A dashboard's multi-value variable of a few hundred
// values fits both; an 800 KB query of 50,000 clauses, which ran for six
// minutes in 2 GB, does not.
const (
	DefaultMaxQueryBytes = 64 << 10
	DefaultMaxClauses    = 1024
)

// Limits bound a query before anything is built from it: its size, and its
// clauses (a term, phrase, prefix, range or `field:*`; each value of a
// set counts as one), checked as the parser goes. Zero fields take the
// defaults.
type Limits struct {
	MaxBytes   int
	MaxClauses int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxQueryBytes
	}
	if l.MaxClauses <= 0 {
		l.MaxClauses = DefaultMaxClauses
	}
	return l
}

// ParseWithLimits is Parse with explicit limits; a query over them is a
// *SyntaxError naming the limit, raised before the rest is parsed.
func ParseWithLimits(text string, lim Limits) (Node, error) {
	return parseLimited(&parser{text: text}, lim)
}

// parseLimited parses all of p's text within lim, in either mode.
func parseLimited(p *parser, lim Limits) (Node, error) {
	lim = lim.withDefaults()
	if len(p.text) > lim.MaxBytes {
		return nil, newSyntaxError(p.text, lim.MaxBytes, "the query is "+strconv.Itoa(len(p.text))+" bytes long, more than the limit of "+
			strconv.Itoa(lim.MaxBytes)+"; shorten it (a set of values, field:IN [a b c], is the compact way to list many)")
	}
	p.maxClauses = lim.MaxClauses
	return parseAll(p)
}

// countClauses adds n clauses found at offset, failing past the limit.
func (p *parser) countClauses(n, at int) error {
	p.clauses += n
	if p.clauses > p.maxClauses {
		return p.errAt(at, "the query has more than "+strconv.Itoa(p.maxClauses)+" clauses (terms, phrases, ranges and set values), the limit; narrow it with fewer values")
	}
	return nil
}
