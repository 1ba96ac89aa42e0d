package ingest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/triage-logs/triage/pkg/engine"
)

// quickwitResponse is Quickwit's ingest answer.
type quickwitResponse struct {
	NumDocsForProcessing int                    `json:"num_docs_for_processing"`
	NumIngestedDocs      int                    `json:"num_ingested_docs"`
	NumRejectedDocs      int                    `json:"num_rejected_docs"`
	ParseFailures        []quickwitParseFailure `json:"parse_failures,omitzero"`
	// ParseFailuresNotListed counts the failures beyond the listed ones
	// (see MaxListedFailures); a Triage addition.
	ParseFailuresNotListed int `json:"parse_failures_not_listed,omitempty"`
}

// quickwitParseFailure follows Quickwit's RestParseFailure (document,
// reason, message) and adds the document's position and line.
type quickwitParseFailure struct {
	Document string `json:"document"`
	Position int    `json:"position"`
	Line     int    `json:"line"`
	Reason   string `json:"reason"`
	Message  string `json:"message"`
}

func parseCommit(v string) (engine.CommitMode, error) {
	switch v {
	case "", "auto":
		return engine.CommitAuto, nil
	case "wait_for":
		return engine.CommitWaitFor, nil
	case "force":
		return engine.CommitForce, nil
	}
	return 0, badRequest(fmt.Sprintf("commit=%q is not a commit mode; use auto, wait_for or force", v))
}

func (h *handler) quickwitIngest(w http.ResponseWriter, r *http.Request) {
	index := r.PathValue("index")
	q := r.URL.Query()
	commit, err := parseCommit(q.Get("commit"))
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	detailed := false
	if v := q.Get("detailed_response"); v != "" {
		if detailed, err = strconv.ParseBool(v); err != nil {
			h.fail(w, r, http.StatusBadRequest, badRequest(fmt.Sprintf("detailed_response=%q is not a boolean; use true or false", v)))
			return
		}
	}
	body, err := h.readLineBody(r)
	if err != nil {
		h.fail(w, r, statusFor(err), err)
		return
	}
	batch := ParseNDJSON(body)
	res, err := h.store.Ingest(r.Context(), index, batch.Docs, engine.IngestOptions{Commit: commit})
	if err != nil {
		status := statusFor(err)
		if status == http.StatusNotFound {
			err = fmt.Errorf("index `%s` not found; create it first or check the index id in the URL", index)
		} else {
			err = fmt.Errorf("ingest into index `%s`: %w", index, err)
		}
		h.fail(w, r, status, err)
		return
	}
	resp := quickwitResponse{
		NumDocsForProcessing: batch.NumRows,
		NumIngestedDocs:      res.Accepted,
		NumRejectedDocs:      batch.NumFailures + len(res.Rejected),
	}
	if detailed {
		resp.ParseFailures = listFailures(batch, res.Rejected)
		resp.ParseFailuresNotListed = resp.NumRejectedDocs - len(resp.ParseFailures)
	}
	writeJSON(w, http.StatusOK, resp)
}

// maxListedDocumentBytes bounds how much of a failed document the reply
// echoes back.
const maxListedDocumentBytes = 1024

// listFailures lists the first MaxListedFailures failed documents in body
// order: lines that are not JSON objects and documents the index refused.
func listFailures(batch NDJSON, rejected []engine.DocError) []quickwitParseFailure {
	rejected = rejected[:min(len(rejected), MaxListedFailures)]
	positions := make([]int, 0, len(rejected))
	for _, rej := range rejected {
		if rej.Position >= 0 && rej.Position < len(batch.Docs) {
			positions = append(positions, rej.Position)
		}
	}
	out := make([]quickwitParseFailure, 0, min(len(batch.Failures)+len(positions), MaxListedFailures))
	for _, f := range batch.Failures {
		out = append(out, quickwitParseFailure{
			Document: echoDocument(f.Doc), Position: f.Row, Line: f.Line, Reason: f.Reason, Message: f.Message})
	}
	locs := batch.Locate(positions)
	for i, rej := range rejected[:len(positions)] {
		doc := batch.Docs[rej.Position]
		reason, message := "invalid_schema", rej.Reason
		if rej.Kind == engine.DocInvalid {
			if r, m, ok := invalidJSONFailure(doc); ok {
				reason, message = r, m
			}
		}
		out = append(out, quickwitParseFailure{
			Document: echoDocument(doc), Position: locs[i].Row, Line: locs[i].Line,
			Reason: reason, Message: fmt.Sprintf("line %d: %s", locs[i].Line, message)})
	}
	slices.SortFunc(out, func(a, b quickwitParseFailure) int { return a.Position - b.Position })
	return out[:min(len(out), MaxListedFailures)]
}

// echoDocument returns doc as text, cut to maxListedDocumentBytes.
func echoDocument(doc []byte) string {
	if len(doc) <= maxListedDocumentBytes {
		return string(doc)
	}
	return fmt.Sprintf("%s… (%d bytes in all)", doc[:maxListedDocumentBytes], len(doc))
}
