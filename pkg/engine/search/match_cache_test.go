package search

import (
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/query"
)

type keyEnv struct {
	tok   string
	array bool
}

func (e keyEnv) Tokenizer(string) string { return e.tok }
func (keyEnv) TimestampField() string    { return "timestamp" }
func (e keyEnv) ArrayElem(string) (event.Kind, bool) {
	return event.KindString, e.array
}

// Two filters share cached rows only when everything Compile reads is the
// same: the resolved filter and each field's tokenizer and array kind.
func TestMatchKeyNamesWhatTheRowsDependOn(t *testing.T) {
	field := query.FieldInfo{Name: "message", Type: query.TypeText}
	term := func(v string) query.Filter {
		return query.FilterTerm{Field: field, Value: query.Value{Type: query.TypeText, Text: v}}
	}
	base := matchKeyOf(term("error"), keyEnv{tok: "default"})
	for _, tc := range []struct {
		name string
		key  string
		same bool
	}{
		{"the same filter", matchKeyOf(term("error"), keyEnv{tok: "default"}), true},
		{"another value", matchKeyOf(term("errors"), keyEnv{tok: "default"}), false},
		{"another tokenizer", matchKeyOf(term("error"), keyEnv{tok: "raw"}), false},
		{"an array field", matchKeyOf(term("error"), keyEnv{tok: "default", array: true}), false},
		{"a phrase of the same text", matchKeyOf(query.FilterPhrase{Field: field, Text: "error"}, keyEnv{tok: "default"}), false},
		{"negated", matchKeyOf(query.FilterNot{Filter: term("error")}, keyEnv{tok: "default"}), false},
		{"inside an and", matchKeyOf(query.FilterAnd{Filters: []query.Filter{term("error")}}, keyEnv{tok: "default"}), false},
	} {
		if (tc.key == base) != tc.same {
			t.Errorf("%s: key %q vs %q, want same=%v", tc.name, tc.key, base, tc.same)
		}
	}
}
