package query

import (
	"reflect"
	"testing"
)

func TestPrintCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"severity:error service:payment", "severity:error AND service:payment"},
		{"-service:health-check", "NOT service:health-check"},
		{"service:(payment OR auth) AND severity:error", "(service:payment OR service:auth) AND severity:error"},
		{`service:("a b" OR c)`, `service:"a b" OR service:c`},
		{"service:IN [a b]", "service:IN [a b]"},
		{`service:IN ["a b" AND]`, `service:IN [a\ b \AND]`},
		{"a OR b c", "a OR b AND c"},
		{"(a OR b) c", "(a OR b) AND c"},
		{"NOT (a b)", "NOT (a AND b)"},
		{"latency_ms:[500 TO *]", "latency_ms:>=500"},
		{"n:{* TO 5}", "n:<5"},
		{"n:[* TO *]", "n:[* TO *]"},
		{"n:{1 TO 5]", "n:{1 TO 5]"},
		{"timestamp:[2026-01-15T14:00:00Z TO now]", "timestamp:[2026-01-15T14:00:00Z TO now]"},
		{"timestamp:[now-1h TO now+1h]", `timestamp:[now-1h TO now\+1h]`},
		{`user\:name:bob\ smith`, `user\:name:bob\ smith`},
		{"endpoint:/api/v1/*", "endpoint:/api/v1/*"},
		{`msg:'it\'s'`, `msg:"it's"`},
		{`msg:"cost \$5 [x]"`, `msg:"cost \$5 \[x]"`},
		{`\-x`, `\-x`},
		{`f:-5`, `f:-5`},
		{`f:\>5`, `f:\>5`},
		{`n:>\=5`, `n:>\=5`},
		{"client_ip:2001:db8::1", "client_ip:2001:db8::1"},
		{`a\:b`, `a\:b`},
		{`\'q`, `\'q`},
		{"trace_id:*", "trace_id:*"},
		{"", "*"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := Print(n); got != tt.want {
			t.Errorf("Print(Parse(%q)) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPrintConstructed checks that trees built by hand (as the editor's
// filter toggles and log context build them) print to text that parses back
// to their normal form.
func TestPrintConstructed(t *testing.T) {
	nodes := []Node{
		And{Clauses: []Node{Term{Field: "service", Value: "payment"}, Not{Clause: Term{Field: "level", Value: "debug"}}}},
		And{Clauses: []Node{And{Clauses: []Node{Term{Value: "a"}, Term{Value: "b"}}}, Term{Value: "c"}}},
		Or{Clauses: []Node{Or{Clauses: []Node{Term{Value: "a"}}}, And{Clauses: []Node{Term{Value: "b"}, Term{Value: "c"}}}}},
		And{},
		Or{},
		Not{Clause: Or{}},
		Term{Field: "f", Value: ""},
		Term{Value: "AND"},
		Term{Field: "a b:c", Value: "x y"},
		Term{Field: "-f", Value: "-v"},
		Term{Field: "f", Value: "(x)"},
		Term{Value: "$var"},
		Term{Field: "f", Value: "[[var]]"},
		Phrase{Field: "msg", Text: `say "hi" \ $x [[y]]`},
		Phrase{Text: "", Prefix: true},
		Prefix{Field: "path", Value: "C:\\Program Files\\"},
		Set{Field: "s", Values: []string{"", "a b", "TO", "]", "'q"}},
		Set{Field: "s"},
		Range{Field: "n", Lower: Bound{Value: "5", Inclusive: true}, Upper: Bound{Value: "ignored", Inclusive: true, Unbounded: true}},
		Range{Field: "n", Lower: Bound{Value: "", Inclusive: false}, Upper: Bound{Unbounded: true}},
		Range{Field: "n", Lower: Bound{Unbounded: true}, Upper: Bound{Value: "=x"}},
		Range{Field: "t", Lower: Bound{Value: "now-1d/d", Inclusive: true}, Upper: Bound{Value: "now+1h"}},
		Exists{Field: "trace.id"},
		Prefix{Field: "f"},
		Prefix{},
		Not{Clause: Not{Clause: MatchAll{}}},
		Term{Field: "f", Value: "\u00a0nbsp\u2003em"},
	}
	for _, n := range nodes {
		text := Print(n)
		got, err := Parse(text)
		if err != nil {
			t.Errorf("Print(%#v) = %q, which does not parse: %v", n, text, err)
			continue
		}
		if want := Normalize(n); !reflect.DeepEqual(got, want) {
			t.Errorf("Print(%#v) = %q, parsed back as %s, want %s", n, text, dump(got), dump(want))
		}
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Parse("service:")
	if err == nil || err.Error() != "expected a value after 'service:' at column 9" {
		t.Fatalf("Parse(\"service:\") error = %v", err)
	}
	// Columns count runes, offsets count bytes.
	_, err = Parse("zürich:")
	se, ok := err.(*SyntaxError)
	if !ok || se.Column != 8 || se.Offset != 8 {
		t.Fatalf("Parse(\"zürich:\") error = %#v, want column 8 at byte offset 8", err)
	}
}

func TestParseWhitespaceAndDepth(t *testing.T) {
	for _, text := range []string{"", "   ", "\t\n", "\u00a0", "*", "  *  "} {
		n, err := Parse(text)
		if err != nil || !reflect.DeepEqual(n, MatchAll{}) {
			t.Errorf("Parse(%q) = %v, %v; want MatchAll", text, n, err)
		}
	}
	deep := ""
	for range maxDepth + 1 {
		deep += "("
	}
	if _, err := Parse(deep + "a"); err == nil {
		t.Errorf("Parse of %d nested parentheses succeeded, want a depth error", maxDepth+1)
	}
	nots := ""
	for range maxDepth - 1 {
		nots += "NOT "
	}
	if _, err := Parse(nots + "a"); err != nil {
		t.Errorf("Parse of %d NOTs: %v", maxDepth-1, err)
	}
}
