package ingest

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
)

// lokiPush accepts Loki's push API: JSON when Content-Type is
// application/json, otherwise snappy-compressed protobuf (Loki's default).
func (h *handler) lokiPush(w http.ResponseWriter, r *http.Request) {
	body, err := ReadBody(r, h.opts.MaxBodyBytes)
	if err != nil {
		h.fail(w, r, statusFor(err), err)
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var docs [][]byte
	if mediaType == "application/json" {
		docs, err = ParseLokiJSON(body)
	} else {
		docs, err = ParseLokiProto(body, h.opts.MaxBodyBytes)
		if err != nil && statusFor(err) != http.StatusRequestEntityTooLarge {
			err = fmt.Errorf("%w (Content-Type %q was read as protobuf; send application/json for JSON)", err, mediaType)
		}
	}
	if err != nil {
		// A body that does not decode can never succeed: 400, unless it
		// was only too large.
		status := http.StatusBadRequest
		if statusFor(err) == http.StatusRequestEntityTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		h.fail(w, r, status, err)
		return
	}
	res, err := h.store.Ingest(r.Context(), h.opts.LokiIndex, docs, engine.IngestOptions{Commit: engine.CommitAuto})
	if err != nil {
		h.fail(w, r, statusFor(err), fmt.Errorf("ingest Loki push into index `%s`: %w", h.opts.LokiIndex, err))
		return
	}
	if len(res.Rejected) > 0 {
		// Like Loki: valid entries are stored, the response names the rest.
		var b strings.Builder
		fmt.Fprintf(&b, "%d of %d entries rejected", len(res.Rejected), len(docs))
		for i, rej := range res.Rejected {
			if i == 3 {
				b.WriteString("; ...")
				break
			}
			fmt.Fprintf(&b, "; entry %d: %s", rej.Position, rej.Reason)
		}
		h.fail(w, r, http.StatusBadRequest, badRequest(b.String()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
