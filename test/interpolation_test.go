package test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

var updateInterpolation = flag.Bool("update-interpolation", false, "rewrite the canonical forms in src/interpolation/testdata/interpolation.golden")

// interpolationGolden is the shared golden file of the frontend's variable
// interpolation: jest checks `expected` through @grafana/scenes, this test
// checks that every `expected` parses with pkg/query to `canonical`.
const interpolationGolden = "../src/interpolation/testdata/interpolation.golden"

// goldenCase keeps every key of a case so -update-interpolation rewrites
// only `canonical`.
type goldenCase map[string]any

type goldenFile struct {
	Variables json.RawMessage `json:"variables"`
	Cases     []goldenCase    `json:"cases"`
	Escapes   json.RawMessage `json:"escapes"`
}

// escapeCase is one value as the frontend escapes it in each place a
// variable can put it.
type escapeCase struct {
	Value      string `json:"value"`
	InField    string `json:"inField"`
	InFreeText string `json:"inFreeText"`
	InSet      string `json:"inSet"`
	InPhrase   string `json:"inPhrase"`
}

// canonicalOf parses text as the backend does (macros first, then Parse) and
// prints it canonically, or names the error the backend would answer.
func canonicalOf(text string) string {
	from := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	expanded := query.ExpandMacros(text, query.MacroContext{From: from, To: from.Add(time.Hour), Interval: 30 * time.Second})
	n, err := query.Parse(expanded)
	if err != nil {
		return "error: " + err.Error()
	}
	return query.Print(n)
}

func TestInterpolationGoldenParsesWithTheBackendParser(t *testing.T) {
	raw, err := os.ReadFile(filepath.FromSlash(interpolationGolden))
	if err != nil {
		t.Fatalf("read the interpolation golden file: %v", err)
	}
	var g goldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("decode %s: %v", interpolationGolden, err)
	}
	if len(g.Cases) == 0 {
		t.Fatalf("%s holds no cases", interpolationGolden)
	}
	for _, c := range g.Cases {
		name, _ := c["name"].(string)
		expected, ok := c["expected"].(string)
		if !ok {
			t.Fatalf("case %q has no expected text", name)
		}
		got := canonicalOf(expected)
		if *updateInterpolation {
			c["canonical"] = got
			continue
		}
		t.Run(name, func(t *testing.T) {
			want, _ := c["canonical"].(string)
			if got != want {
				t.Errorf("Parse(%q) prints\n  %s\nwant\n  %s", expected, got, want)
			}
		})
	}
	if *updateInterpolation {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(g); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(interpolationGolden), out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestInterpolationEscapesParseToTheValue checks the frontend's escaping
// against the parser: every escaped value parses back to exactly the value,
// in a field, in free text, in a set and in a phrase.
func TestInterpolationEscapesParseToTheValue(t *testing.T) {
	raw, err := os.ReadFile(filepath.FromSlash(interpolationGolden))
	if err != nil {
		t.Fatalf("read the interpolation golden file: %v", err)
	}
	var g goldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("decode %s: %v", interpolationGolden, err)
	}
	var escapes []escapeCase
	if err := json.Unmarshal(g.Escapes, &escapes); err != nil || len(escapes) == 0 {
		t.Fatalf("%s holds no escapes: %v", interpolationGolden, err)
	}
	for _, e := range escapes {
		term := func(field string) query.Node {
			if e.Value == "" {
				return query.Phrase{Field: field}
			}
			return query.Term{Field: field, Value: e.Value}
		}
		for _, c := range []struct {
			place string
			text  string
			want  query.Node
		}{
			{"field", e.InField, term("k")},
			{"free text", e.InFreeText, term("")},
			{"set", e.InSet, query.Set{Field: "k", Values: []string{e.Value, "x"}}},
			{"phrase", e.InPhrase, query.Phrase{Field: "k", Text: e.Value}},
		} {
			got, err := query.Parse(c.text)
			if err != nil {
				t.Errorf("value %q in %s: Parse(%q): %v", e.Value, c.place, c.text, err)
				continue
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("value %q in %s: Parse(%q) = %#v, want %#v", e.Value, c.place, c.text, got, c.want)
			}
		}
	}
}
