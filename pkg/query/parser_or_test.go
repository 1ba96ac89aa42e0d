package query

import (
	"reflect"
	"testing"
)

// Elasticsearch's query_string with default_operator OR, as Grafana's
// Elasticsearch datasource sends it (it never sets default_operator).
func TestParseDefaultOr(t *testing.T) {
	a, b, c := Term{Value: "a"}, Term{Value: "b"}, Term{Value: "c"}
	tests := []struct {
		text string
		want Node
	}{
		{"", MatchAll{}},
		{"a", a},
		{"a b", Or{Clauses: []Node{a, b}}},
		{"a OR b c", Or{Clauses: []Node{a, b, c}}},
		{"a AND b c", Or{Clauses: []Node{And{Clauses: []Node{a, b}}, c}}},
		{"a -b", And{Clauses: []Node{Not{Clause: b}, a}}},
		{"a NOT b c", And{Clauses: []Node{Not{Clause: b}, Or{Clauses: []Node{a, c}}}}},
		{"+a b", a},
		{"+a +b c", And{Clauses: []Node{a, b}}},
		{"-a -b", And{Clauses: []Node{Not{Clause: a}, Not{Clause: b}}}},
		{"severity:error service:(payment auth)", Or{Clauses: []Node{
			Term{Field: "severity", Value: "error"}, Term{Field: "service", Value: "payment"}, Term{Field: "service", Value: "auth"}}}},
		{`message:"conn reset" (x y)`, Or{Clauses: []Node{Phrase{Field: "message", Text: "conn reset"}, Term{Value: "x"}, Term{Value: "y"}}}},
	}
	for _, tt := range tests {
		got, err := ParseDefaultOr(tt.text)
		if err != nil {
			t.Errorf("ParseDefaultOr(%q): %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseDefaultOr(%q) = %#v\nwant %#v", tt.text, got, tt.want)
		}
		// Parse (AND by default) is unchanged by the mode.
		if tt.text == "a b" {
			if n, _ := Parse(tt.text); !reflect.DeepEqual(n, And{Clauses: []Node{a, b}}) {
				t.Errorf("Parse(%q) = %#v, want AND", tt.text, n)
			}
		}
	}
	for _, bad := range []string{"a OR", "(a b", "a )", "AND b"} {
		if _, err := ParseDefaultOr(bad); err == nil {
			t.Errorf("ParseDefaultOr(%q): no error", bad)
		}
	}
}

func FuzzParseDefaultOr(f *testing.F) {
	for _, s := range []string{"a b", "+a -b c", "x:(a b) AND y", `"p q" r*`, "a AND b OR c d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, err := ParseDefaultOr(text)
		if err != nil {
			return
		}
		// What it parses prints to text the AND-mode parser reads back to
		// the same tree: the engine runs the printed form.
		back, err := Parse(Print(n))
		if err != nil {
			t.Fatalf("Print(ParseDefaultOr(%q)) = %q does not parse: %v", text, Print(n), err)
		}
		if !reflect.DeepEqual(back, Normalize(n)) {
			t.Fatalf("round trip of %q: %#v != %#v", text, back, Normalize(n))
		}
	})
}
