package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// TestMalformedLinesReadAlikeWhicheverPassFindsThem: the ingest handler
// passes on every line that starts with '{' and the engine parses it in
// full, so a line that is not JSON can be refused by either. Through the
// real engine, each such line must read as Quickwit's invalid_json failure
// naming its line and encoding/json's complaint, in both mapping modes —
// even where the engine stopped at an unknown field before the bad byte.
func TestMalformedLinesReadAlikeWhicheverPassFindsThem(t *testing.T) {
	srv, eng, _ := newTestServer(t, engine.Options{}, "")
	strict := `{"index_id":"strict","doc_mapping":{"mode":"strict","timestamp_field":"timestamp",
		"field_mappings":[{"name":"timestamp","type":"datetime"},{"name":"message","type":"text"}]}}`
	if code, msg := send(t, "POST", srv.URL+"/api/v1/indexes", "", nil, []byte(strict)); code != 200 {
		t.Fatalf("create strict index: %d %s", code, msg)
	}
	good := `{"timestamp":"2026-01-15T14:00:01Z","message":"ok"}`
	malformed := []string{
		`{not json`,
		`{"timestamp":"2026-01-15T14:00:01Z","message":tru}`,
		`{"timestamp":"2026-01-15T14:00:01Z","message":"x"} trailing`,
		`{"timestamp":"2026-01-15T14:00:01Z","other":1,"message":}`,
		`{"message":"a` + "\x01" + `"}`,
		"{\"message\":\"x\",",
	}
	for _, index := range []string{"logs", "strict"} {
		t.Run(index, func(t *testing.T) {
			body := good + "\n" + strings.Join(malformed, "\n") + "\n" + good + "\n"
			code, msg := send(t, "POST", srv.URL+"/api/v1/"+index+"/ingest?detailed_response=true&commit=force", "", nil, []byte(body))
			if code != 200 {
				t.Fatalf("ingest: %d %s", code, msg)
			}
			var got quickwitAnswer
			if err := json.Unmarshal([]byte(msg), &got); err != nil {
				t.Fatalf("answer %s: %v", msg, err)
			}
			if got.Ingested != 2 || got.Rejected != len(malformed) || len(got.Failures) != len(malformed) {
				t.Fatalf("ingested %d, rejected %d, %d listed; want 2, %d, %d: %s", got.Ingested, got.Rejected, len(got.Failures), len(malformed), len(malformed), msg)
			}
			for i, f := range got.Failures {
				var v any
				want := fmt.Sprintf("line %d: invalid JSON: %v; send one JSON object per line", i+2, json.Unmarshal([]byte(malformed[i]), &v))
				if f.Reason != "invalid_json" || f.Message != want || f.Line != i+2 || f.Position != i+1 || f.Document != malformed[i] {
					t.Errorf("failure %d: %+v\nwant reason invalid_json, line %d, position %d, message %q", i, f, i+2, i+1, want)
				}
			}
			if n := events(t, eng, index); n != 2 {
				t.Fatalf("%s holds %d events, want the 2 good lines", index, n)
			}
		})
	}
}

type quickwitAnswer struct {
	Ingested int `json:"num_ingested_docs"`
	Rejected int `json:"num_rejected_docs"`
	Failures []struct {
		Document string `json:"document"`
		Position int    `json:"position"`
		Line     int    `json:"line"`
		Reason   string `json:"reason"`
		Message  string `json:"message"`
	} `json:"parse_failures"`
}
