package query

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func setOf(n int) string {
	var b strings.Builder
	b.WriteString("id:IN [")
	for i := 0; i < n; i++ {
		b.WriteString(" t" + strconv.Itoa(i))
	}
	b.WriteString("]")
	return b.String()
}

func orOf(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "service:s" + strconv.Itoa(i)
	}
	return strings.Join(parts, " OR ")
}

func TestQueryLimits(t *testing.T) {
	tests := []struct {
		name string
		text string
		lim  Limits
		want string // "" = accepted
	}{
		{"set at the clause limit", setOf(DefaultMaxClauses), Limits{}, ""},
		{"set one past it", setOf(DefaultMaxClauses + 1), Limits{}, "more than 1024 clauses"},
		{"id:IN of 100,000 terms", setOf(100_000), Limits{MaxBytes: 1 << 20}, "more than 1024 clauses"},
		{"100,000 terms, default size limit", setOf(100_000), Limits{}, "bytes long, more than the limit of 65536"},
		{"ORs at the limit", orOf(DefaultMaxClauses), Limits{MaxBytes: 1 << 20}, ""},
		{"50,000 ORed clauses", orOf(50_000), Limits{MaxBytes: 1 << 20}, "more than 1024 clauses"},
		{"phrases and ranges count", `"a b" x:[1 TO 2] y:>3 z:* 'c'`, Limits{MaxClauses: 4}, "more than 4 clauses"},
		{"raised limits", setOf(5000), Limits{MaxBytes: 1 << 20, MaxClauses: 5000}, ""},
	}
	// Both modes hold to the limits: the _elastic API parses query_string
	// with ParseDefaultOr before the engine sees the query.
	modes := []struct {
		name  string
		parse func(string, Limits) (Node, error)
	}{
		{"AND", ParseWithLimits},
		{"default OR", ParseDefaultOrWithLimits},
	}
	for _, mode := range modes {
		for _, tt := range tests {
			_, err := mode.parse(tt.text, tt.lim)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%s, %s: %v", mode.name, tt.name, err)
			case tt.want != "":
				var se *SyntaxError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s, %s: %v, want a syntax error saying %q", mode.name, tt.name, err, tt.want)
				}
			}
		}
	}
}

// Parse and ParseDefaultOr apply the default limits.
func TestParseAppliesDefaultLimits(t *testing.T) {
	for name, parse := range map[string]func(string) (Node, error){"Parse": Parse, "ParseDefaultOr": ParseDefaultOr} {
		if _, err := parse(setOf(DefaultMaxClauses + 1)); err == nil || !strings.Contains(err.Error(), "more than 1024 clauses") {
			t.Errorf("%s: %v, want the clause limit", name, err)
		}
	}
}

// The clause limit is checked as the parser goes: an 800 KB query is
// refused after reading up to its 1025th clause, not after building 50,000.
func BenchmarkParseRefusesHugeQueries(b *testing.B) {
	text := orOf(50_000)
	lim := Limits{MaxBytes: 1 << 20}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := ParseWithLimits(text, lim); err == nil {
			b.Fatal("accepted")
		}
	}
}
