package engine

import (
	"fmt"
	"testing"
)

func TestSplitSchema(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	events := []Event{
		{Fields: []Field{{Name: "host", Value: StringValue("a")}, {Name: "n", Value: Int64Value(1)}}},
		{Fields: []Field{{Name: "host", Value: StringValue("b")}, {Name: "n", Value: StringValue("x")}}},
		{Fields: []Field{{Name: "k8s.pod", Value: StringValue("p")}}},
	}
	got := ix.splitSchema(events)
	want := map[string]FieldSpec{
		"message":  {Tokenizer: TokenizerDefault, Indexed: true},
		"severity": {Tokenizer: TokenizerRaw, Indexed: true},
		"host":     {Tokenizer: TokenizerDefault, Indexed: true},
		"n":        {Tokenizer: TokenizerDefault, Indexed: true}, // a string in one event
		"k8s.pod":  {Tokenizer: TokenizerDefault, Indexed: true},
		IDField:    {Tokenizer: TokenizerRaw, Indexed: true}, // document ids match whole
	}
	for name, spec := range want {
		if got[name] != spec {
			t.Errorf("%s: %+v, want %+v", name, got[name], spec)
		}
	}
	if _, ok := got["timestamp"]; !ok || len(got) != len(want)+1 {
		t.Errorf("schema = %v", fmt.Sprint(got))
	}
}
