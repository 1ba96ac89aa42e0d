package server

import (
	"log/slog"
	"net/http"
	"slices"
)

// answerErrors gathers what an answer's parts report (damaged splits left
// out, a term index that could not be used) for Quickwit's `errors`
// field, and logs them: a partial answer is never silent, whichever API
// gave it (the _elastic API lists them as failed shards besides).
// /metrics counts partial answers through the engine
// (Metrics.EngineOptions).
func answerErrors(logger *slog.Logger, r *http.Request, index string, warnings []string) []string {
	out := []string{}
	for _, w := range warnings {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) > 0 {
		logger.Warn("search answered with errors", "index", index, "errors", out, "remote", r.RemoteAddr)
	}
	return out
}
