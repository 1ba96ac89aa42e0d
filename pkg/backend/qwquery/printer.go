// Package qwquery prints Triage's query AST as Quickwit's query language
// for a given Quickwit version. The languages share their syntax, so most
// of a query prints unchanged; what differs is resolved here or refused:
// date math and epoch milliseconds on datetime fields become RFC 3339
// (Quickwit parses neither), a negation alone is anchored to `*` (a
// boolean query of only exclusions matches nothing), and constructs the
// version cannot run are refused, naming them.
package qwquery

import (
	"fmt"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

// Version is a Quickwit release line the printer targets.
type Version struct{ Major, Minor int }

// AtLeast reports whether v is minor or later (0.x releases).
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Options say what the printer needs to know about the index.
type Options struct {
	Version Version
	// Schema types fields: datetime fields get resolved date math; text
	// fields cannot be ranged before 0.9. Unknown fields print unchanged.
	Schema query.Schema
	// NotFast, when set, reports fields without a fast column: Quickwit
	// ranges only fast fields.
	NotFast func(field string) bool
	// Now anchors date math; zero means time.Now().
	Now time.Time
}

// Print renders n in Quickwit's query language, or an *backend.UnsupportedError.
func Print(n query.Node, opts Options) (string, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	p := printer{opts: opts}
	out, err := p.node(n)
	if err != nil {
		return "", err
	}
	if negativeOnly(out.node) {
		return "* AND " + out.text, nil
	}
	return out.text, nil
}

type printer struct{ opts Options }

// printed is a node's text and the (rewritten) node, for precedence.
type printed struct {
	text string
	node query.Node
}

func unsupported(construct, reason string) error {
	return &backend.UnsupportedError{Backend: backend.KindQuickwit, Construct: construct, Reason: reason}
}

func (p *printer) node(n query.Node) (printed, error) {
	switch v := n.(type) {
	case query.And:
		return p.join(v.Clauses, " AND ", func(cs []query.Node) query.Node { return query.And{Clauses: cs} })
	case query.Or:
		// Each negative alternative needs its own anchor.
		clauses := make([]query.Node, len(v.Clauses))
		for i, c := range v.Clauses {
			clauses[i] = c
			if negativeOnly(c) {
				clauses[i] = query.And{Clauses: []query.Node{query.MatchAll{}, c}}
			}
		}
		return p.join(clauses, " OR ", func(cs []query.Node) query.Node { return query.Or{Clauses: cs} })
	case query.Not:
		inner, err := p.node(v.Clause)
		if err != nil {
			return printed{}, err
		}
		return printed{text: "NOT " + paren(inner), node: query.Not{Clause: inner.node}}, nil
	case query.Range:
		r, err := p.rangeNode(v)
		if err != nil {
			return printed{}, err
		}
		return printed{text: query.Print(r), node: r}, nil
	case query.Term:
		t, err := p.termNode(v)
		if err != nil {
			return printed{}, err
		}
		return printed{text: query.Print(t), node: t}, nil
	case query.Set:
		if fi, ok := p.field(v.Field); ok && fi.Type == query.TypeDatetime {
			vals := make([]string, len(v.Values))
			for i, s := range v.Values {
				t, err := p.datetime(v.Field, s, false)
				if err != nil {
					return printed{}, err
				}
				vals[i] = t
			}
			v.Values = vals
		}
		return printed{text: query.Print(v), node: v}, nil
	}
	return printed{text: query.Print(n), node: n}, nil
}

func (p *printer) join(clauses []query.Node, op string, rebuild func([]query.Node) query.Node) (printed, error) {
	parts := make([]string, len(clauses))
	nodes := make([]query.Node, len(clauses))
	for i, c := range clauses {
		out, err := p.node(c)
		if err != nil {
			return printed{}, err
		}
		parts[i], nodes[i] = paren(out), out.node
	}
	if len(parts) == 0 {
		empty := rebuild(nil)
		return printed{text: query.Print(empty), node: empty}, nil
	}
	return printed{text: strings.Join(parts, op), node: rebuild(nodes)}, nil
}

// paren wraps a compound child in parentheses: precedence between AND and
// OR is never left to the reader (older tantivy parsers read it otherwise).
func paren(child printed) string {
	switch v := child.node.(type) {
	case query.And:
		if len(v.Clauses) > 1 {
			return "(" + child.text + ")"
		}
	case query.Or:
		if len(v.Clauses) > 1 {
			return "(" + child.text + ")"
		}
	}
	return child.text
}

// negativeOnly reports a node that only excludes: NOT x, or an AND of
// exclusions. Quickwit would match nothing for it.
func negativeOnly(n query.Node) bool {
	switch v := n.(type) {
	case query.Not:
		return true
	case query.And:
		if len(v.Clauses) == 0 {
			return false
		}
		for _, c := range v.Clauses {
			if !negativeOnly(c) {
				return false
			}
		}
		return true
	}
	return false
}

func (p *printer) field(name string) (query.FieldInfo, bool) {
	if p.opts.Schema == nil || name == "" {
		return query.FieldInfo{}, false
	}
	return p.opts.Schema.Field(name)
}
