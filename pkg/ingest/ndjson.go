package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxListedFailures bounds the per-document failures a request lists: a
// 10 MiB body of three-byte lines holds 3.5 million of them, and listing
// each once cost gigabytes and a reply of hundreds of megabytes. Beyond
// it failures are counted, not listed.
const MaxListedFailures = 1000

// NDJSON is a request body split into documents, as Quickwit's ingest API
// reads it: one JSON object per line, blank lines ignored. It costs one
// slice header per line; where a document sits (its row and line) is
// worked out only for the few that are reported (Locate).
//
// A line that starts with '{' is passed on as a document without checking
// the rest of its JSON: the Store parses every document in full and
// refuses an invalid one (engine.DocInvalid), and a second pass here cost
// an eighth of the server's ingest CPU. ReportRejection then describes
// such a refusal exactly as a failure found here would be.
type NDJSON struct {
	// Docs are the lines that start like an object, in body order; they
	// alias the body.
	Docs [][]byte
	// Failures are the first MaxListedFailures lines that are not JSON
	// objects; the other lines are still ingested.
	Failures []LineFailure
	// NumFailures counts every such line, listed or not.
	NumFailures int
	// NumRows counts non-blank lines (Quickwit's num_docs_for_processing).
	NumRows int
	body    []byte
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

// Location is where a document sits in its body: its 0-based position
// among non-blank lines (the position Quickwit reports) and its 1-based line.
type Location struct {
	Row, Line int
}

// ParseNDJSON splits body into JSON object documents. A malformed line is
// reported with its line number and does not stop the others.
func ParseNDJSON(body []byte) NDJSON {
	out := NDJSON{body: body}
	// Sized for every line once: growing by appends costs several times
	// that. A document takes at least three bytes ("{}\n"), which bounds
	// it for bodies of blank or failing lines.
	out.Docs = make([][]byte, 0, min(bytes.Count(body, []byte{'\n'})+1, len(body)/3+1))
	line := 0
	for rest := body; len(rest) > 0; {
		line++
		var raw []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			raw, rest = rest, nil
		}
		doc := bytes.TrimSpace(raw)
		if len(doc) == 0 {
			continue
		}
		row := out.NumRows
		out.NumRows++
		if reason := checkStartsObject(doc); reason != "" {
			out.NumFailures++
			if len(out.Failures) < MaxListedFailures {
				out.Failures = append(out.Failures, LineFailure{Line: line, Row: row, Doc: doc, Reason: reason,
					Message: fmt.Sprintf("line %d: %s", line, failureMessage(reason, doc))})
			}
			continue
		}
		out.Docs = append(out.Docs, doc)
	}
	return out
}

// Locate returns where Docs[p] sits for each p of positions (ascending),
// in one pass over the body.
func (b NDJSON) Locate(positions []int) []Location {
	out := make([]Location, 0, len(positions))
	line, row := 0, 0
	rest := b.body
	for _, p := range positions {
		// Docs alias the body, so a document's offset follows from capacities.
		target := cap(b.body) - cap(b.Docs[p])
		for {
			offset := cap(b.body) - cap(rest)
			end := bytes.IndexByte(rest, '\n')
			if end < 0 || target <= offset+end {
				break // the document is on this line
			}
			line++
			if len(bytes.TrimSpace(rest[:end])) > 0 {
				row++
			}
			rest = rest[end+1:]
		}
		out = append(out, Location{Row: row, Line: line + 1})
	}
	return out
}

// checkStartsObject returns an empty reason when doc starts like a JSON
// object (the Store checks the rest), otherwise the failure kind. Only a
// failing line pays for the full check that tells the two kinds apart.
func checkStartsObject(doc []byte) (reason string) {
	switch {
	case isJSONObject(doc):
		return ""
	case !json.Valid(doc):
		return "invalid_json"
	}
	return "not_an_object"
}

// invalidJSONFailure is the failure ParseNDJSON would report for a document
// the Store refused, when the refusal is because doc is not valid JSON: a
// malformed line reads the same whichever pass found it.
func invalidJSONFailure(doc []byte) (reason, message string, ok bool) {
	if json.Valid(doc) {
		return "", "", false
	}
	return "invalid_json", failureMessage("invalid_json", doc), true
}

// failureMessage explains a failure of checkStartsObject for people.
func failureMessage(reason string, doc []byte) string {
	if reason == "not_an_object" {
		return "document is a JSON " + jsonKind(doc[0]) + ", not an object; wrap the fields in {...}"
	}
	var v any
	err := json.Unmarshal(doc, &v)
	if err == nil {
		err = fmt.Errorf("invalid JSON")
	}
	return fmt.Sprintf("invalid JSON: %v; send one JSON object per line", err)
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
