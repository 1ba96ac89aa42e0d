package backend

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
)

// RemoteError is an answer of a remote store that is not a success: it
// names the backend, the request's method and URL path (never the query
// string, which can be large or hold secrets) and the store's own message.
type RemoteError struct {
	Backend string
	Method  string
	Path    string
	// Status is the HTTP status; 0 when no answer came (connection refused,
	// timeout), and Message then says why.
	Status  int
	Message string
}

func (e *RemoteError) Error() string {
	status := "no answer"
	if e.Status != 0 {
		status = fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("%s: %s %s: %s: %s", e.Backend, e.Method, e.Path, status, e.Message)
}

// QueryProblem reports whether the store refused the request as malformed
// (4xx other than auth, not-found and rate limits): the user's query or
// settings must change, retrying cannot help.
func (e *RemoteError) QueryProblem() bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests:
		return false
	}
	return e.Status >= 400 && e.Status < 500
}

// UnsupportedError names a construct of Triage's query model that a
// store's language cannot express, so the query is refused before it is
// sent rather than answered differently.
type UnsupportedError struct {
	Backend string
	// Construct is the part of the query, e.g. `phrase prefix "conn res"*`.
	Construct string
	// Reason says why and what to write instead.
	Reason string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s cannot run %s: %s", e.Backend, e.Construct, e.Reason)
}

// PartialError refuses a partial answer where one must not be used: an
// alert rule must never evaluate data with parts missing.
type PartialError struct {
	Warnings []string
}

func (e *PartialError) Error() string {
	return "the answer is partial, so it is not used: " + strings.Join(e.Warnings, "; ")
}

// RefusePartial returns a *PartialError when warnings say a result is
// partial; callers that must not use partial data (alert rules) call it on
// every result's Warnings.
func RefusePartial(warnings []string) error {
	if len(warnings) == 0 {
		return nil
	}
	return &PartialError{Warnings: warnings}
}

// PageLimit checks a page size as the engine's Search does (0 is the
// default page), so remote backends refuse with its message.
func PageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return engine.DefaultSearchLimit, nil
	case limit < 0 || limit > engine.MaxSearchLimit:
		return 0, fmt.Errorf("search limit %d: use 1 to %d rows and page with the cursor for more", limit, engine.MaxSearchLimit)
	}
	return limit, nil
}

// ValuesLimit checks a field values limit as the engine's FieldValues does.
func ValuesLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return engine.DefaultSearchLimit, nil
	case limit < 0 || limit > engine.MaxSearchLimit:
		return 0, fmt.Errorf("field values limit %d: use 1 to %d", limit, engine.MaxSearchLimit)
	}
	return limit, nil
}
