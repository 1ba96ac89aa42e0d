package query

import (
	"strconv"
	"strings"
)

// dump renders a node in the compact notation of testdata/conformance.txt:
// term(F, "v"), phrase(F, "t"), phrase*(F, "t"), prefix(F, "v"),
// set(F, "a", "b"), range(F, ["a" TO "b"}), exists(F), all, and(…), or(…),
// not(…), where F is the quoted field name or _ for the default fields.
func dump(n Node) string {
	var b strings.Builder
	dumpTo(&b, n)
	return b.String()
}

func dumpField(f string) string {
	if f == "" {
		return "_"
	}
	return strconv.Quote(f)
}

func dumpTo(b *strings.Builder, n Node) {
	switch v := n.(type) {
	case MatchAll:
		b.WriteString("all")
	case And:
		dumpList(b, "and", v.Clauses)
	case Or:
		dumpList(b, "or", v.Clauses)
	case Not:
		b.WriteString("not(")
		dumpTo(b, v.Clause)
		b.WriteString(")")
	case Term:
		b.WriteString("term(" + dumpField(v.Field) + ", " + strconv.Quote(v.Value) + ")")
	case Prefix:
		b.WriteString("prefix(" + dumpField(v.Field) + ", " + strconv.Quote(v.Value) + ")")
	case Phrase:
		name := "phrase"
		if v.Prefix {
			name = "phrase*"
		}
		b.WriteString(name + "(" + dumpField(v.Field) + ", " + strconv.Quote(v.Text) + ")")
	case Exists:
		b.WriteString("exists(" + dumpField(v.Field) + ")")
	case Set:
		b.WriteString("set(" + dumpField(v.Field))
		for _, s := range v.Values {
			b.WriteString(", " + strconv.Quote(s))
		}
		b.WriteString(")")
	case Range:
		b.WriteString("range(" + dumpField(v.Field) + ", ")
		if v.Lower.Inclusive {
			b.WriteString("[")
		} else {
			b.WriteString("{")
		}
		b.WriteString(dumpBound(v.Lower) + " TO " + dumpBound(v.Upper))
		if v.Upper.Inclusive {
			b.WriteString("]")
		} else {
			b.WriteString("}")
		}
		b.WriteString(")")
	default:
		b.WriteString("?")
	}
}

func dumpBound(bd Bound) string {
	if bd.Unbounded {
		return "*"
	}
	return strconv.Quote(bd.Value)
}

func dumpList(b *strings.Builder, name string, clauses []Node) {
	b.WriteString(name + "(")
	for i, c := range clauses {
		if i > 0 {
			b.WriteString(", ")
		}
		dumpTo(b, c)
	}
	b.WriteString(")")
}
