package ingest

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLokiLabels(t *testing.T) {
	tests := []struct {
		in      string
		want    []Label
		wantErr string
	}{
		{`{}`, nil, ""},
		{` {app="x", env="y"} `, []Label{{"app", "x"}, {"env", "y"}}, ""},
		{`{a="q\"uote\\n",_b2=""}`, []Label{{"a", "q\"uote\\n"}, {"_b2", ""}}, ""},
		{`{a="x",}`, []Label{{"a", "x"}}, ""},
		{`app="x"`, nil, "want {name"},
		{`{2a="x"}`, nil, "expected a label name"},
		{`{a=x}`, nil, "must be double-quoted"},
		{`{a="x}`, nil, "unterminated value"},
		{`{a="x" b="y"}`, nil, "expected , or }"},
		{`{a:"x"}`, nil, "expected = after label a"},
	}
	for _, tt := range tests {
		got, err := ParseLokiLabels(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseLokiLabels(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseLokiLabels(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseNDJSONLines(t *testing.T) {
	got := ParseNDJSON([]byte("\n{\"a\":1}\r\n  \n\"s\"\n{\"b\":2}"))
	if locs := got.Locate([]int{0, 1}); got.NumRows != 3 || !reflect.DeepEqual(locs, []Location{{Row: 0, Line: 2}, {Row: 2, Line: 5}}) {
		t.Fatalf("rows %d locations %v; want 3 rows, docs at row 0 line 2 and row 2 line 5", got.NumRows, locs)
	}
	if len(got.Failures) != 1 || got.Failures[0].Line != 4 || got.Failures[0].Reason != "not_an_object" {
		t.Fatalf("failures %+v, want the string on line 4", got.Failures)
	}
	if string(got.Docs[0]) != `{"a":1}` {
		t.Fatalf("doc 0 = %q: carriage return not trimmed", got.Docs[0])
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\n\nt\tc\x01", `"q\"b\\n\nt\tc\u0001"`},
		{"é✓", `"é✓"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
	}
	for _, tt := range tests {
		if got := string(appendJSONString(nil, tt.in)); got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestLokiDocPrecedence(t *testing.T) {
	got := string(lokiDoc(nil, 0, "m", []Label{{"message", "no"}, {"env", "a"}, {"k", "label"}}, []Label{{"k", "meta"}, {"timestamp", "no"}}))
	want := `{"timestamp":"1970-01-01T00:00:00Z","message":"m","env":"a","k":"meta"}`
	if got != want {
		t.Fatalf("lokiDoc = %s, want %s", got, want)
	}
}
