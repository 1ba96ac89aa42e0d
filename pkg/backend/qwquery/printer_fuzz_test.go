package qwquery

import (
	"errors"
	"testing"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

// FuzzPrint: every query the parser accepts either prints as text that
// parses again (Quickwit reads the same language) or is refused with an
// UnsupportedError.
func FuzzPrint(f *testing.F) {
	for _, s := range []string{`a OR b c`, `NOT (a OR -b)`, `timestamp:[now-1d/d TO now]`, `user:[a TO b}`,
		`message:"x \"y\""*`, `-a -b OR c`, `timestamp:IN [1768485600000 now]`, `latency_ms:>=5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, err := query.Parse(text)
		if err != nil {
			return
		}
		for _, v := range []Version{{0, 8}, {0, 9}} {
			out, err := Print(n, opts(v))
			if err != nil {
				var uerr *backend.UnsupportedError
				if !errors.As(err, &uerr) {
					t.Fatalf("Print(%q): %v is not an UnsupportedError", text, err)
				}
				continue
			}
			if _, err := query.Parse(out); err != nil {
				t.Fatalf("Print(%q) = %q does not parse: %v", text, out, err)
			}
		}
	})
}
