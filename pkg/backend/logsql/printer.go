// Package logsql prints Triage's query AST as VictoriaLogs' LogsQL, so that
// the same query text selects the same events in a VictoriaLogs cluster. A
// construct LogsQL cannot express with the same meaning is refused, naming
// it, before anything is sent.
package logsql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

// Options say how Triage's field names meet VictoriaLogs' data model.
type Options struct {
	// TimestampField is printed as _time, MessageField as _msg.
	TimestampField string
	MessageField   string
	// TextFields match by words, case-insensitively, as a tokenized text
	// field does; every other field matches whole values, as a raw one does.
	TextFields []string
	// DefaultFields are searched by clauses without a field (default: the
	// message field).
	DefaultFields []string
	// Now anchors date math; zero means time.Now().
	Now time.Time
}

// Print renders n as a LogsQL filter, or an *backend.UnsupportedError.
func Print(n query.Node, opts Options) (string, error) {
	p := printer{opts: opts, text: map[string]bool{}}
	for _, f := range opts.TextFields {
		p.text[f] = true
	}
	if len(p.opts.DefaultFields) == 0 && opts.MessageField != "" {
		p.opts.DefaultFields = []string{opts.MessageField}
	}
	if p.opts.Now.IsZero() {
		p.opts.Now = time.Now()
	}
	var b strings.Builder
	if err := p.node(&b, n); err != nil {
		return "", err
	}
	return b.String(), nil
}

// TimeRange renders [start, end) as a _time filter; a zero bound is open.
// It returns "" when both are zero.
func TimeRange(start, end time.Time) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case end.IsZero():
		return "_time:>=" + formatTime(start)
	case start.IsZero():
		return "_time:<" + formatTime(end)
	}
	return "_time:[" + formatTime(start) + ", " + formatTime(end) + ")"
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

type printer struct {
	opts Options
	text map[string]bool
}

func unsupported(construct, reason string) error {
	return &backend.UnsupportedError{Backend: backend.KindVictoriaLogs, Construct: construct, Reason: reason}
}

func (p *printer) node(b *strings.Builder, n query.Node) error {
	switch v := n.(type) {
	case query.MatchAll:
		b.WriteByte('*')
	case query.And:
		return p.join(b, v.Clauses, " AND ", "*")
	case query.Or:
		return p.join(b, v.Clauses, " OR ", "NOT *")
	case query.Not:
		b.WriteString("NOT ")
		return p.group(b, v.Clause)
	case query.Term:
		return p.perField(b, v.Field, func(b *strings.Builder, f string) error { return p.term(b, f, v.Value) })
	case query.Phrase:
		return p.perField(b, v.Field, func(b *strings.Builder, f string) error { return p.phrase(b, f, v) })
	case query.Prefix:
		return p.perField(b, v.Field, func(b *strings.Builder, f string) error { return p.prefix(b, f, v.Value) })
	case query.Set:
		if len(v.Values) == 0 {
			b.WriteString("NOT *")
			return nil
		}
		return p.perField(b, v.Field, func(b *strings.Builder, f string) error { return p.set(b, f, v.Values) })
	case query.Range:
		if v.Field == "" {
			return unsupported("a range without a field", "name the field, e.g. latency_ms:[500 TO *]")
		}
		return p.rangeFilter(b, v)
	case query.Exists:
		if v.Field == p.opts.TimestampField {
			b.WriteByte('*') // every event has its timestamp
			return nil
		}
		b.WriteString(p.field(v.Field))
		b.WriteString(":*")
	default:
		return fmt.Errorf("logsql: unknown query node %T", n)
	}
	return nil
}

// join prints clauses with op, each grouped; empty is what the operator's
// identity matches.
func (p *printer) join(b *strings.Builder, clauses []query.Node, op, empty string) error {
	if len(clauses) == 0 {
		b.WriteString(empty)
		return nil
	}
	for i, c := range clauses {
		if i > 0 {
			b.WriteString(op)
		}
		if err := p.group(b, c); err != nil {
			return err
		}
	}
	return nil
}

// group prints n, in parentheses when it is a compound.
func (p *printer) group(b *strings.Builder, n query.Node) error {
	switch v := n.(type) {
	case query.And, query.Or:
		b.WriteByte('(')
		err := p.node(b, n)
		b.WriteByte(')')
		return err
	case query.Term, query.Phrase, query.Prefix, query.Set:
		// Clauses without a field may expand to an OR over default fields.
		if fieldOf(v) == "" && len(p.opts.DefaultFields) > 1 {
			b.WriteByte('(')
			err := p.node(b, n)
			b.WriteByte(')')
			return err
		}
	}
	return p.node(b, n)
}

func fieldOf(n query.Node) string {
	switch v := n.(type) {
	case query.Term:
		return v.Field
	case query.Phrase:
		return v.Field
	case query.Prefix:
		return v.Field
	case query.Set:
		return v.Field
	}
	return ""
}

// perField applies one clause to its field, or to each default field.
func (p *printer) perField(b *strings.Builder, field string, print func(*strings.Builder, string) error) error {
	if field != "" {
		return print(b, field)
	}
	if len(p.opts.DefaultFields) == 0 {
		return unsupported("a clause without a field", "no default search field is configured; write field:value")
	}
	for i, f := range p.opts.DefaultFields {
		if i > 0 {
			b.WriteString(" OR ")
		}
		if err := print(b, f); err != nil {
			return err
		}
	}
	return nil
}

// field prints a field name: the reserved names for the timestamp and
// message fields, anything else quoted.
func (p *printer) field(name string) string {
	switch name {
	case p.opts.TimestampField:
		return "_time"
	case p.opts.MessageField:
		return "_msg"
	}
	return strconv.Quote(name)
}

// hasWord reports whether s holds a letter or digit: a tokenized field
// finds nothing for a value without one, while LogsQL would match it as text.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
