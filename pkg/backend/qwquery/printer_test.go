package qwquery

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

var testNow = time.Date(2026, 1, 15, 14, 30, 0, 0, time.UTC)

var testSchema = query.StaticSchema{
	Fields: []query.FieldInfo{
		{Name: "timestamp", Type: query.TypeDatetime},
		{Name: "message", Type: query.TypeText},
		{Name: "user", Type: query.TypeText, Tokenizer: query.TokenizerRaw},
		{Name: "latency_ms", Type: query.TypeF64},
		{Name: "ok", Type: query.TypeBool},
		{Name: "body", Type: query.TypeText},
	},
	Defaults: []string{"message"},
}

func opts(v Version) Options {
	return Options{Version: v, Schema: testSchema, Now: testNow, NotFast: func(f string) bool { return f == "body" }}
}

// TestPrintConformance states, per construct of the language, the
// Quickwit query it becomes on 0.8 and 0.9.
func TestPrintConformance(t *testing.T) {
	for _, tc := range []struct{ construct, in, want string }{
		{"match all", `*`, `*`},
		{"term", `timeout`, `timeout`},
		{"field term", `severity:error`, `severity:error`},
		{"implicit AND is written out", `severity:error service:payment`, `severity:error AND service:payment`},
		{"precedence is explicit", `a OR b c`, `a OR (b AND c)`},
		{"grouped OR", `(a OR b) c`, `(a OR b) AND c`},
		{"set", `severity:IN [error warn]`, `severity:IN [error warn]`},
		{"phrase", `message:"connection reset by peer"`, `message:"connection reset by peer"`},
		{"phrase prefix", `message:"connection res"*`, `message:"connection res"*`},
		{"prefix", `endpoint:/api/v1/*`, `endpoint:/api/v1/*`},
		{"range", `latency_ms:[500 TO *]`, `latency_ms:>=500`},
		{"exclusive range", `status_code:{499 TO 600}`, `status_code:{499 TO 600}`},
		{"exists", `trace_id:*`, `trace_id:*`},
		{"escapes", `user\:name:bob\ smith`, `user\:name:bob\ smith`},
		{"NOT alone is anchored", `NOT service:health-check`, `* AND NOT service:health-check`},
		{"only exclusions are anchored", `-a -b`, `* AND NOT a AND NOT b`},
		{"NOT beside a positive clause", `a -b`, `a AND NOT b`},
		{"negative alternative is anchored", `a OR NOT b`, `a OR (* AND NOT b)`},
		{"date math resolved", `timestamp:>now-15m`, `timestamp:>2026-01-15T14:15:00Z`},
		{"date math rounding", `timestamp:[now-1d/d TO now/d]`, `timestamp:[2026-01-14T00:00:00Z TO 2026-01-15T23:59:59.999999999Z]`},
		{"epoch milliseconds", `timestamp:>=1768485600000`, `timestamp:>=2026-01-15T14:00:00Z`},
		{"datetime term", `timestamp:2026-01-15T14:00:00Z`, `timestamp:2026-01-15T14:00:00Z`},
		{"datetime set", `timestamp:IN [now]`, `timestamp:IN [2026-01-15T14:30:00Z]`},
		{"date math on an unknown field stays", `deployed:>now-1h`, `deployed:>now-1h`},
	} {
		for _, v := range []Version{{0, 8}, {0, 9}} {
			n, err := query.Parse(tc.in)
			if err != nil {
				t.Fatalf("parse %q: %v", tc.in, err)
			}
			got, err := Print(n, opts(v))
			if err != nil {
				t.Fatalf("%s (%s): Print(%q): %v", tc.construct, v, tc.in, err)
			}
			if got != tc.want {
				t.Errorf("%s (%s): Print(%q)\n got %s\nwant %s", tc.construct, v, tc.in, got, tc.want)
			}
			// What Quickwit receives reads back as the same query.
			if _, err := query.Parse(got); err != nil {
				t.Errorf("%s: printed %q does not parse: %v", tc.construct, got, err)
			}
		}
	}
}

// TestPrintRefusesPerVersion: constructs a version cannot run are refused
// with an error naming them; 0.9 runs text ranges.
func TestPrintRefusesPerVersion(t *testing.T) {
	for _, tc := range []struct {
		in        string
		v         Version
		construct string
	}{
		{`user:[alice TO bob]`, Version{0, 8}, `the range user:[alice TO bob] on the text field 'user'`},
		{`ok:[false TO true]`, Version{0, 9}, `the range ok:[false TO true]`},
		{`body:>=5`, Version{0, 9}, `the range body:>=5`},
		{`timestamp:>yesterday`, Version{0, 9}, `timestamp:yesterday`},
	} {
		n, _ := query.Parse(tc.in)
		_, err := Print(n, opts(tc.v))
		var uerr *backend.UnsupportedError
		if !errors.As(err, &uerr) || uerr.Construct != tc.construct || !strings.HasPrefix(err.Error(), "quickwit cannot run") {
			t.Errorf("Print(%q) on %s = %v, want the construct %q refused", tc.in, tc.v, err, tc.construct)
		}
	}
	n, _ := query.Parse(`user:[alice TO bob]`)
	if got, err := Print(n, opts(Version{0, 9})); err != nil || got != `user:[alice TO bob]` {
		t.Errorf("0.9 text range: %q, %v", got, err)
	}
}
