package engine

import (
	"fmt"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

func TestSplitSchema(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	ix, _ := e.lookup("logs")
	events := []event.Event{
		{Fields: []event.Field{{Name: "host", Value: event.StringValue("a")}, {Name: "n", Value: event.Int64Value(1)}}},
		{Fields: []event.Field{{Name: "host", Value: event.StringValue("b")}, {Name: "n", Value: event.StringValue("x")}}},
		{Fields: []event.Field{{Name: "k8s.pod", Value: event.StringValue("p")}}},
	}
	got := ix.splitSchema(events)
	want := map[string]split.FieldSpec{
		"message":     {Tokenizer: split.TokenizerDefault, Indexed: true},
		"severity":    {Tokenizer: split.TokenizerRaw, Indexed: true},
		"host":        {Tokenizer: split.TokenizerDefault, Indexed: true},
		"n":           {Tokenizer: split.TokenizerDefault, Indexed: true}, // a string in one event
		"k8s.pod":     {Tokenizer: split.TokenizerDefault, Indexed: true},
		split.IDField: {Tokenizer: split.TokenizerRaw, Indexed: true}, // document ids match whole
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
