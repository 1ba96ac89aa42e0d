package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// readBody sizes its buffer from Content-Length; a hint that is wrong in
// either direction must still give the whole body, and the limit holds.
func TestReadBodyWithAnySizeHint(t *testing.T) {
	body := strings.Repeat("0123456789", 100) // 1,000 bytes
	for _, tc := range []struct {
		name  string
		hint  int64
		limit int64
		err   bool
	}{
		{"exact", 1000, 4096, false},
		{"unknown", -1, 4096, false},
		{"too small", 10, 4096, false},
		{"too large", 3000, 4096, false},
		{"zero", 0, 4096, false},
		{"over the limit, exact hint", 1000, 999, true},
		{"over the limit, small hint", 10, 999, true},
		{"over the limit, unknown", -1, 999, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBody(strings.NewReader(body), "", tc.limit, tc.hint)
			if tc.err {
				var tooLarge *BodyTooLargeError
				if !errors.As(err, &tooLarge) {
					t.Fatalf("err %v, want BodyTooLargeError", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, []byte(body)) {
				t.Fatalf("got %d bytes, err %v; want the 1000-byte body", len(got), err)
			}
		})
	}
}
