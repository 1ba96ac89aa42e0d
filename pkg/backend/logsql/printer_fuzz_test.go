package logsql

import (
	"errors"
	"regexp"
	"testing"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

// FuzzPrint: every query the parser accepts either prints or is refused
// with an UnsupportedError; the printed LogsQL has balanced parentheses
// outside its quoted strings and closes every quote.
func FuzzPrint(f *testing.F) {
	for _, s := range []string{`a OR b c`, `message:"x \"y\""*`, `status_code:{499 TO 600}`, `timestamp:>now-1d/d`,
		`service:(a OR NOT b)`, `user\:name:bob\ smith`, `severity:IN [error warn]`, `k8s.pod.name:*`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, err := query.Parse(text)
		if err != nil {
			return
		}
		out, err := Print(n, testOptions())
		if err != nil {
			var uerr *backend.UnsupportedError
			if !errors.As(err, &uerr) {
				t.Fatalf("Print(%q): %v is not an UnsupportedError", text, err)
			}
			return
		}
		if !balanced(out) {
			t.Fatalf("Print(%q) = %s: unbalanced", text, out)
		}
	})
}

// rangeArgs matches range(a, b], whose brackets need not pair.
var rangeArgs = regexp.MustCompile(`range[\[(][^\])]*[\])]`)

// balanced checks parentheses outside double-quoted strings (Go escapes
// inside them) once range arguments are removed, and that every string is
// closed.
func balanced(s string) bool {
	s = rangeArgs.ReplaceAllString(s, "range")
	depth := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return !inQuote && depth == 0
}
