package ingest

import (
	"bytes"
	"fmt"
	"net/http"
)

// DefaultMaxBodyLines bounds the lines of one NDJSON or bulk body. What a
// request makes the server build grows with its documents, not its bytes:
// 10 MiB of "{}\n" is 3.5 million documents. A million lines averages ten
// bytes a document, far below any real log line.
const DefaultMaxBodyLines = 1_000_000

// TooManyLinesError means a body holds more lines than the limit (HTTP 413).
type TooManyLinesError struct {
	Lines, Limit int
}

func (e *TooManyLinesError) Error() string {
	return fmt.Sprintf("request body holds %d lines, more than the limit of %d; send fewer documents per request", e.Lines, e.Limit)
}

// readLineBody reads an NDJSON or bulk body (see ReadBody) and refuses
// one of more lines than the limit before anything is built from it.
func (h *handler) readLineBody(r *http.Request) ([]byte, error) {
	body, err := ReadBody(r, h.opts.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	if n := bytes.Count(body, []byte{'\n'}); n > h.opts.MaxBodyLines {
		return nil, &TooManyLinesError{Lines: n, Limit: h.opts.MaxBodyLines}
	}
	return body, nil
}
