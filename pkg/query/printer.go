package query

import (
	"strings"
	"unicode/utf8"
)

// Print renders a node as canonical query text: explicit AND/OR, NOT instead
// of '-', parentheses only where precedence needs them, field groups written
// out per field, comparisons for one-sided ranges, and every reserved character
// escaped. Parse(Print(n)) deep-equals Normalize(n); the editor's formatter,
// log context and filter toggles build query text with it.
func Print(n Node) string {
	var b strings.Builder
	printNode(&b, n, precLowest)
	return b.String()
}

// Precedence levels: a node is parenthesised when its level is below the
// level its parent requires.
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precLeaf
)

func precOf(n Node) int {
	switch v := n.(type) {
	case Or:
		if len(v.Clauses) == 0 {
			return precNot // printed as NOT *
		}
		return precOr
	case And:
		if len(v.Clauses) == 0 {
			return precLeaf // printed as *
		}
		return precAnd
	case Set:
		if len(v.Values) == 0 {
			return precNot // printed as NOT *
		}
	case Not:
		return precNot
	}
	return precLeaf
}

func printNode(b *strings.Builder, n Node, min int) {
	if precOf(n) < min {
		b.WriteByte('(')
		printNode(b, n, precLowest)
		b.WriteByte(')')
		return
	}
	switch v := n.(type) {
	case MatchAll:
		b.WriteByte('*')
	case And:
		if len(v.Clauses) == 0 {
			b.WriteByte('*')
			return
		}
		for i, c := range v.Clauses {
			if i > 0 {
				b.WriteString(" AND ")
			}
			printNode(b, c, precNot)
		}
	case Or:
		if len(v.Clauses) == 0 {
			b.WriteString("NOT *")
			return
		}
		for i, c := range v.Clauses {
			if i > 0 {
				b.WriteString(" OR ")
			}
			printNode(b, c, precAnd)
		}
	case Not:
		b.WriteString("NOT ")
		printNode(b, v.Clause, precNot)
	case Term:
		printField(b, v.Field)
		if v.Value == "" {
			b.WriteString(`""`)
			return
		}
		writeValue(b, v.Value, contextOf(v.Field))
	case Prefix:
		printField(b, v.Field)
		writeValue(b, v.Value, contextOf(v.Field))
		b.WriteByte('*')
	case Phrase:
		printField(b, v.Field)
		writeQuoted(b, v.Text)
		if v.Prefix {
			b.WriteByte('*')
		}
	case Exists:
		printField(b, v.Field)
		b.WriteByte('*')
	case Set:
		if len(v.Values) == 0 {
			b.WriteString("NOT *")
			return
		}
		printField(b, v.Field)
		b.WriteString("IN [")
		for i, s := range v.Values {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeBound(b, s)
		}
		b.WriteByte(']')
	case Range:
		printField(b, v.Field)
		printRange(b, v)
	}
}

func printField(b *strings.Builder, field string) {
	if field == "" {
		return
	}
	writeValue(b, field, ctxField)
	b.WriteByte(':')
}

func printRange(b *strings.Builder, r Range) {
	lo, up := r.Lower, r.Upper
	switch {
	case up.Unbounded && !lo.Unbounded:
		b.WriteByte('>')
		if lo.Inclusive {
			b.WriteByte('=')
		}
		writeComparand(b, lo.Value)
	case lo.Unbounded && !up.Unbounded:
		b.WriteByte('<')
		if up.Inclusive {
			b.WriteByte('=')
		}
		writeComparand(b, up.Value)
	default:
		if lo.Inclusive || lo.Unbounded {
			b.WriteByte('[')
		} else {
			b.WriteByte('{')
		}
		if lo.Unbounded {
			b.WriteByte('*')
		} else {
			writeBound(b, lo.Value)
		}
		b.WriteString(" TO ")
		if up.Unbounded {
			b.WriteByte('*')
		} else {
			writeBound(b, up.Value)
		}
		if up.Inclusive || up.Unbounded {
			b.WriteByte(']')
		} else {
			b.WriteByte('}')
		}
	}
}

// escContext says where an unquoted value is printed, which decides the
// characters that need a backslash there.
type escContext uint8

const (
	ctxDefault escContext = iota // a default-field term: ':' and a leading '-' are special
	ctxField                     // a field name: like ctxDefault
	ctxValue                     // after "field:": a leading '<' or '>' is special
	ctxBound                     // a range bound or set element
)

func contextOf(field string) escContext {
	if field == "" {
		return ctxDefault
	}
	return ctxValue
}

func isKeyword(s string) bool {
	switch s {
	case "AND", "OR", "NOT", "TO", "IN":
		return true
	}
	return false
}

// writeValue writes s unquoted, escaping what the parser would otherwise read
// as syntax in ctx.
func writeValue(b *strings.Builder, s string, ctx escContext) {
	if isKeyword(s) {
		b.WriteByte('\\')
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, i == 0, ctx) {
			b.WriteByte('\\')
		}
		b.WriteString(s[i : i+size])
		i += size
	}
}

func needsEscape(r rune, first bool, ctx escContext) bool {
	switch r {
	case '\\', '+', '^', '`', '"', '{', '}', '[', ']', '(', ')', '~', '!', '*', '$':
		return true
	case ':':
		return ctx == ctxDefault || ctx == ctxField
	case '-':
		return first && (ctx == ctxDefault || ctx == ctxField)
	case '\'':
		return first
	case '<', '>':
		return first && ctx == ctxValue
	}
	return isSpace(r)
}

// writeBound writes a range bound or set element; the empty string is quoted.
func writeBound(b *strings.Builder, s string) {
	if s == "" {
		b.WriteString(`""`)
		return
	}
	writeValue(b, s, ctxBound)
}

// writeComparand writes the value after '>', '>=', '<' or '<='; a leading
// '=' is escaped so '>' followed by "=5" does not print as '>=5'.
func writeComparand(b *strings.Builder, s string) {
	if s == "" {
		b.WriteString(`""`)
		return
	}
	if s[0] == '=' {
		b.WriteByte('\\')
	}
	writeValue(b, s, ctxBound)
}

// writeQuoted writes s as a double-quoted phrase. Besides the quote and the
// backslash, '$' and '[' are escaped so the text can never read as a template
// variable.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$', '[':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
