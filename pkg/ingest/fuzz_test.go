package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The fuzz targets check the decoders' contracts on any input: no panic,
// every emitted document is a valid JSON object, and counts add up.

func FuzzNDJSON(f *testing.F) {
	f.Add([]byte(vectorEvents))
	f.Add([]byte("{\"a\":1}\r\n\n  \n{bad\n[1]\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := ParseNDJSON(body)
		if len(got.Docs)+got.NumFailures != got.NumRows || len(got.Failures) > MaxListedFailures {
			t.Fatalf("%d docs + %d failures (%d listed) != %d rows", len(got.Docs), got.NumFailures, len(got.Failures), got.NumRows)
		}
		positions := make([]int, len(got.Docs))
		for i := range positions {
			positions[i] = i
		}
		lines := bytes.Split(body, []byte("\n"))
		for i, loc := range got.Locate(positions) {
			d := got.Docs[i]
			if d[0] != '{' {
				t.Fatalf("doc %d %q does not start like a JSON object", i, d)
			}
			if loc.Line < 1 || loc.Line > len(lines) || !bytes.Equal(bytes.TrimSpace(lines[loc.Line-1]), d) {
				t.Fatalf("doc %d %q located on line %d, which does not hold it", i, d, loc.Line)
			}
		}
		for _, f := range got.Failures {
			if !strings.Contains(f.Message, "line ") {
				t.Fatalf("failure %+v does not name its line", f)
			}
			// Only what cannot be an object fails here; the Store checks the rest.
			if doc := bytes.TrimSpace(f.Doc); json.Valid(doc) && doc[0] == '{' {
				t.Fatalf("valid object %q refused: %+v", doc, f)
			}
		}
	})
}

func FuzzBulk(f *testing.F) {
	f.Add([]byte(vectorBulk), "")
	f.Add([]byte("{\"delete\":{\"_index\":\"a\"}}\n{\"update\":{}}\n{\"doc\":{}}\n{\"index\":{\"_id\":3}}\n"), "logs")
	f.Fuzz(func(t *testing.T, body []byte, pathIndex string) {
		items, err := ParseBulk(body, pathIndex)
		if err != nil {
			if items != nil {
				t.Fatalf("items returned with error %v", err)
			}
			return
		}
		for i, it := range items {
			if (it.Doc == nil) == (it.Err == nil) {
				t.Fatalf("item %d has doc=%v err=%v: want exactly one", i, it.Doc != nil, it.Err)
			}
			// A document that starts like an object goes to the store, which
			// parses it in full (bulk.go); only the others are refused here.
			if it.Doc != nil && (it.Doc[0] != '{' || it.Index == "") {
				t.Fatalf("item %d accepted with doc %q index %q", i, it.Doc, it.Index)
			}
		}
	})
}

func FuzzLokiJSON(f *testing.F) {
	f.Add([]byte(`{"streams":[{"stream":{"app":"a","message":"m"},"values":[["1","x",{"k":"v"}],["2","\u0000\ud800"]]}]}`))
	f.Add([]byte(`{"streams":[{"stream":{},"values":[]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		docs, err := ParseLokiJSON(body)
		if err != nil {
			return
		}
		checkDocs(t, docs)
	})
}

func FuzzLokiProto(f *testing.F) {
	f.Add(encodePush(map[string][]lokiEntry{`{a="1",b="x\"y"}`: {{1, 2, "line", [][2]string{{"k", "v"}}}}}, []string{`{a="1",b="x\"y"}`}))
	f.Add(encodePush(map[string][]lokiEntry{`{}`: {{-5, 999999999, "\xff", nil}}}, []string{`{}`}))
	f.Fuzz(func(t *testing.T, body []byte) {
		docs, err := ParseLokiProto(body, 1<<20)
		if err != nil {
			return
		}
		checkDocs(t, docs)
	})
}

func checkDocs(t *testing.T, docs [][]byte) {
	t.Helper()
	for i, d := range docs {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(d))
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("doc %d %q is not a JSON object: %v", i, d, err)
		}
		if _, ok := m["timestamp"].(string); !ok {
			t.Fatalf("doc %d %q lacks a timestamp", i, d)
		}
		if _, ok := m["message"].(string); !ok {
			t.Fatalf("doc %d %q lacks a message", i, d)
		}
	}
}
