package ingest

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// DefaultMaxBodyBytes is Quickwit's request body limit (10 MiB).
const DefaultMaxBodyBytes = 10 << 20

// BodyTooLargeError means a request body, or its decompressed form, is
// over the limit (HTTP 413).
type BodyTooLargeError struct {
	Limit        int64
	Decompressed bool
}

func (e *BodyTooLargeError) Error() string {
	what := "request body"
	if e.Decompressed {
		what = "decompressed request body"
	}
	return fmt.Sprintf("%s is larger than the %d-byte limit (%s); send smaller batches", what, e.Limit, humanBytes(e.Limit))
}

// UnsupportedEncodingError names a Content-Encoding the server does not
// decode (HTTP 415).
type UnsupportedEncodingError struct{ Encoding string }

func (e *UnsupportedEncodingError) Error() string {
	return fmt.Sprintf("Content-Encoding %q is not supported; use gzip, zstd or none", e.Encoding)
}

// BadEncodingError means the body does not decode with its declared
// Content-Encoding (HTTP 400).
type BadEncodingError struct {
	Encoding string
	Err      error
}

func (e *BadEncodingError) Error() string {
	return fmt.Sprintf("request body is not valid %s (Content-Encoding: %s): %v", e.Encoding, e.Encoding, e.Err)
}

func (e *BadEncodingError) Unwrap() error { return e.Err }

// BodyReadError means the body could not be read from the client: broken
// chunked framing, a connection cut mid-body (HTTP 400), or a client too
// slow to send it within the server's read timeout (HTTP 408). None of
// these is the server's fault, so none invites a retry with Retry-After.
type BodyReadError struct{ Err error }

func (e *BodyReadError) Error() string {
	if e.Timeout() {
		return "the request body did not arrive within the server's read timeout; send it faster or in smaller batches"
	}
	return fmt.Sprintf("read request body: %v", e.Err)
}

func (e *BodyReadError) Unwrap() error { return e.Err }

// Timeout reports whether the client was too slow.
func (e *BodyReadError) Timeout() bool { return errors.Is(e.Err, os.ErrDeadlineExceeded) }

// transportReader remembers the error of the client's connection, so that
// it is not mistaken for a decoding error of the compressed stream.
type transportReader struct {
	r   io.Reader
	err error
}

func (t *transportReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// ReadBody reads r's body, decoding Content-Encoding gzip or zstd. Both the
// transferred and the decompressed size are limited to limit bytes, so a
// zip bomb ends in *BodyTooLargeError rather than exhausting memory; a
// Content-Length over the limit is refused before a byte is read.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &BodyTooLargeError{Limit: limit}
	}
	tr := &transportReader{r: r.Body}
	b, err := readBody(tr, r.Header.Get("Content-Encoding"), limit, r.ContentLength)
	if err != nil && tr.err != nil {
		return nil, &BodyReadError{Err: tr.err}
	}
	return b, err
}

// readBody reads body; sizeHint is its Content-Length (-1 when unknown).
func readBody(body io.Reader, encoding string, limit, sizeHint int64) ([]byte, error) {
	raw := io.LimitReader(body, limit+1)
	enc := strings.ToLower(strings.TrimSpace(encoding))
	var src io.Reader
	switch enc {
	case "", "identity":
		b, err := readLimited(raw, limit, false, sizeHint)
		return b, err
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, classifyReadErr(raw, limit, &BadEncodingError{Encoding: "gzip", Err: err})
		}
		defer zr.Close()
		src = zr
	case "zstd":
		zr, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1),
			zstd.WithDecoderMaxWindow(uint64(max(limit, zstd.MinWindowSize))))
		if err != nil {
			return nil, fmt.Errorf("start zstd decoder: %w", err)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, &UnsupportedEncodingError{Encoding: enc}
	}
	b, err := readLimited(src, limit, true, -1)
	if err != nil {
		var tooLarge *BodyTooLargeError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			// The frame declares more memory than the body limit allows.
			return nil, &BodyTooLargeError{Limit: limit, Decompressed: true}
		}
		return nil, classifyReadErr(raw, limit, &BadEncodingError{Encoding: enc, Err: err})
	}
	return b, nil
}

// classifyReadErr turns a decoder error caused by the transfer limit
// cutting the stream into *BodyTooLargeError.
func classifyReadErr(raw io.Reader, limit int64, err error) error {
	if lr, ok := raw.(*io.LimitedReader); ok && lr.N <= 0 {
		return &BodyTooLargeError{Limit: limit}
	}
	return err
}

// readLimited reads r to its end, refusing more than limit bytes. A body
// whose size is known (sizeHint ≥ 0) is read into one buffer of that size:
// io.ReadAll grows by doubling, which for the 8 MB bodies shippers send
// cost a tenth of the server's ingest CPU in copies and cleared memory.
func readLimited(r io.Reader, limit int64, decompressed bool, sizeHint int64) ([]byte, error) {
	lr := io.LimitReader(r, limit+1)
	var b []byte
	var err error
	if sizeHint >= 0 && sizeHint <= limit {
		b, err = readSized(lr, sizeHint)
	} else {
		b, err = io.ReadAll(lr)
	}
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &BodyTooLargeError{Limit: limit, Decompressed: decompressed}
	}
	return b, nil
}

// readSized reads r to its end into a buffer of size+1 bytes: the extra
// byte lets the last Read see EOF without growing it. A body longer than
// its Content-Length cannot reach here (net/http stops at it), but a
// reader that does grows the buffer as append does.
func readSized(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size+1)
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, cap(b))
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
