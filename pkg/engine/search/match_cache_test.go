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
	key := func(f query.Filter, env Env) string {
		t.Helper()
		_, k, err := compileKeyed(f, env)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(term("error"), keyEnv{tok: "default"})
	for _, tc := range []struct {
		name string
		key  string
		same bool
	}{
		{"the same filter", key(term("error"), keyEnv{tok: "default"}), true},
		{"another value", key(term("errors"), keyEnv{tok: "default"}), false},
		{"another tokenizer", key(term("error"), keyEnv{tok: "raw"}), false},
		{"an array field", key(term("error"), keyEnv{tok: "default", array: true}), false},
		{"a phrase of the same text", key(query.FilterPhrase{Field: field, Text: "error"}, keyEnv{tok: "default"}), false},
		{"negated", key(query.FilterNot{Filter: term("error")}, keyEnv{tok: "default"}), false},
		{"inside an and", key(query.FilterAnd{Filters: []query.Filter{term("error")}}, keyEnv{tok: "default"}), false},
	} {
		if (tc.key == base) != tc.same {
			t.Errorf("%s: key %q vs %q, want same=%v", tc.name, tc.key, base, tc.same)
		}
	}
}
