package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// NDJSON is a request body split into documents, as Quickwit's ingest API
// reads it: one JSON object per line, blank lines ignored.
type NDJSON struct {
	// Docs are the valid documents in body order; they alias the body.
	Docs [][]byte
	// Rows[i] is the 0-based position of Docs[i] among the body's
	// non-blank lines, the position Quickwit reports.
	Rows []int
	// Lines[i] is the 1-based line number of Docs[i].
	Lines []int
	// Failures are the lines that are not JSON objects; the other lines
	// are still ingested.
	Failures []LineFailure
	// NumRows counts non-blank lines (Quickwit's num_docs_for_processing).
	NumRows int
}

// LineFailure says why one line of a body was not accepted.
type LineFailure struct {
	Line int // 1-based line number
	Row  int // 0-based position among non-blank lines
	Doc  []byte
	// Reason is a short machine-readable kind ("invalid_json",
	// "not_an_object"); Message explains it for people.
	Reason  string
	Message string
}

// ParseNDJSON splits body into JSON object documents. A malformed line is
// reported with its line number and does not stop the others.
func ParseNDJSON(body []byte) NDJSON {
	var out NDJSON
	if n := bytes.Count(body, []byte{'\n'}) + 1; n > 0 {
		out.Docs = make([][]byte, 0, n)
		out.Rows = make([]int, 0, n)
		out.Lines = make([]int, 0, n)
	}
	line := 0
	for len(body) > 0 {
		line++
		var raw []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			raw, body = body[:i], body[i+1:]
		} else {
			raw, body = body, nil
		}
		doc := bytes.TrimSpace(raw)
		if len(doc) == 0 {
			continue
		}
		row := out.NumRows
		out.NumRows++
		if reason, msg := checkObject(doc); reason != "" {
			out.Failures = append(out.Failures, LineFailure{Line: line, Row: row, Doc: doc, Reason: reason,
				Message: fmt.Sprintf("line %d: %s", line, msg)})
			continue
		}
		out.Docs = append(out.Docs, doc)
		out.Rows = append(out.Rows, row)
		out.Lines = append(out.Lines, line)
	}
	return out
}

// checkObject returns an empty reason when doc is one valid JSON object,
// otherwise the failure kind and a message for people.
func checkObject(doc []byte) (reason, msg string) {
	if !json.Valid(doc) {
		var v any
		err := json.Unmarshal(doc, &v)
		if err == nil {
			err = fmt.Errorf("invalid JSON")
		}
		return "invalid_json", fmt.Sprintf("invalid JSON: %v; send one JSON object per line", err)
	}
	if !isJSONObject(doc) {
		return "not_an_object", "document is a JSON " + jsonKind(doc[0]) + ", not an object; wrap the fields in {...}"
	}
	return "", ""
}

func jsonKind(first byte) string {
	switch first {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
