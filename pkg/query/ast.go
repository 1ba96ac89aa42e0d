package query

// Node is one node of a parsed query. The concrete types are plain values so
// tests, the engine and the editor's filter toggles can build queries directly
// instead of splicing strings.
type Node interface {
	isNode()
}

// MatchAll matches every document: the empty query and `*`.
type MatchAll struct{}

// And matches documents every clause matches. `a AND b` and the implicit
// operator (`a b`) both produce it; `+` (must) adds nothing beyond it.
type And struct {
	Clauses []Node
}

// Or matches documents at least one clause matches.
type Or struct {
	Clauses []Node
}

// Not matches documents its clause does not match: `NOT x` and `-x`.
type Not struct {
	Clause Node
}

// Term is one value searched in Field, or in the default search fields when
// Field is empty. Value is the text as written, unescaped and untyped.
type Term struct {
	Field string
	Value string
}

// Phrase is quoted text; with Prefix its last word is a prefix (`"conn res"*`).
type Phrase struct {
	Field  string
	Text   string
	Prefix bool
}

// Prefix matches values starting with Value (`value*`).
type Prefix struct {
	Field string
	Value string
}

// Set matches any of Values in Field (`field:IN [a b c]`).
type Set struct {
	Field  string
	Values []string
}

// Range bounds Field's values; comparisons (`field:>=10`) parse to Ranges too.
type Range struct {
	Field string
	Lower Bound
	Upper Bound
}

// Bound is one end of a Range. An unbounded end (`*`) has an empty Value and
// Inclusive false, so `[* TO 5]` and `{* TO 5]` are the same Range.
type Bound struct {
	Value     string
	Inclusive bool
	Unbounded bool
}

// Exists matches documents that have a value in Field (`field:*`).
type Exists struct {
	Field string
}

func (MatchAll) isNode() {}
func (And) isNode()      {}
func (Or) isNode()       {}
func (Not) isNode()      {}
func (Term) isNode()     {}
func (Phrase) isNode()   {}
func (Prefix) isNode()   {}
func (Set) isNode()      {}
func (Range) isNode()    {}
func (Exists) isNode()   {}

// Normalize returns the form Parse produces for the same meaning: nested And
// (or Or) clauses are spliced into their parent, single-clause groups collapse
// to the clause, an empty And becomes MatchAll, an empty Or or Set (which
// match nothing) becomes NOT *, a Term with an empty value becomes the empty
// Phrase, an empty Prefix becomes Exists (MatchAll without a field), and
// unbounded range ends lose their value and inclusivity. For every tree
// within the nesting limit whose fields (where a field is required) are
// non-empty, Parse(Print(n)) deep-equals Normalize(n).
func Normalize(n Node) Node {
	switch v := n.(type) {
	case And:
		clauses := make([]Node, 0, len(v.Clauses))
		for _, c := range v.Clauses {
			clauses = append(clauses, Normalize(c))
		}
		if len(clauses) == 0 {
			return MatchAll{}
		}
		return joinAnd(clauses)
	case Or:
		clauses := make([]Node, 0, len(v.Clauses))
		for _, c := range v.Clauses {
			clauses = append(clauses, Normalize(c))
		}
		if len(clauses) == 0 {
			return Not{Clause: MatchAll{}}
		}
		return joinOr(clauses)
	case Not:
		return Not{Clause: Normalize(v.Clause)}
	case Range:
		v.Lower = normalizeBound(v.Lower)
		v.Upper = normalizeBound(v.Upper)
		return v
	case Set:
		if len(v.Values) == 0 {
			return Not{Clause: MatchAll{}}
		}
		return v
	case Term:
		if v.Value == "" {
			return Phrase{Field: v.Field}
		}
	case Prefix:
		if v.Value == "" && v.Field == "" {
			return MatchAll{}
		}
		if v.Value == "" {
			return Exists{Field: v.Field}
		}
	}
	return n
}

func normalizeBound(b Bound) Bound {
	if b.Unbounded {
		return Bound{Unbounded: true}
	}
	return b
}

// joinAnd builds an And from clauses, splicing nested Ands into it.
func joinAnd(clauses []Node) Node {
	if len(clauses) == 1 {
		return clauses[0]
	}
	flat := clauses
	for i, c := range clauses {
		if _, ok := c.(And); ok {
			flat = append([]Node(nil), clauses[:i]...)
			for _, c := range clauses[i:] {
				if a, ok := c.(And); ok {
					flat = append(flat, a.Clauses...)
				} else {
					flat = append(flat, c)
				}
			}
			break
		}
	}
	return And{Clauses: flat}
}

// joinOr builds an Or from clauses, splicing nested Ors into it.
func joinOr(clauses []Node) Node {
	if len(clauses) == 1 {
		return clauses[0]
	}
	flat := clauses
	for i, c := range clauses {
		if _, ok := c.(Or); ok {
			flat = append([]Node(nil), clauses[:i]...)
			for _, c := range clauses[i:] {
				if o, ok := c.(Or); ok {
					flat = append(flat, o.Clauses...)
				} else {
					flat = append(flat, c)
				}
			}
			break
		}
	}
	return Or{Clauses: flat}
}
