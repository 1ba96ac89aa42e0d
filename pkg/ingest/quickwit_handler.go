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
	body, err := ReadBody(r, h.opts.MaxBodyBytes)
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
		NumRejectedDocs:      len(batch.Failures) + len(res.Rejected),
	}
	if detailed {
		for _, f := range batch.Failures {
			resp.ParseFailures = append(resp.ParseFailures, quickwitParseFailure{
				Document: string(f.Doc), Position: f.Row, Line: f.Line, Reason: f.Reason, Message: f.Message})
		}
		for _, rej := range res.Rejected {
			if rej.Position < 0 || rej.Position >= len(batch.Docs) {
				continue
			}
			resp.ParseFailures = append(resp.ParseFailures, quickwitParseFailure{
				Document: string(batch.Docs[rej.Position]), Position: batch.Rows[rej.Position], Line: batch.Lines[rej.Position],
				Reason: "invalid_schema", Message: fmt.Sprintf("line %d: %s", batch.Lines[rej.Position], rej.Reason)})
		}
		slices.SortFunc(resp.ParseFailures, func(a, b quickwitParseFailure) int { return a.Position - b.Position })
		if resp.ParseFailures == nil {
			resp.ParseFailures = []quickwitParseFailure{}
		}
	}
	writeJSON(w, http.StatusOK, resp)
}
