package logsql

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

var testNow = time.Date(2026, 1, 15, 14, 30, 0, 0, time.UTC)

func testOptions() Options {
	return Options{TimestampField: "timestamp", MessageField: "message", TextFields: []string{"message", "body"}, Now: testNow}
}

// TestPrintConformance prints one query per construct of the language
// (contracts.md section 1) and states the LogsQL it must become. The same
// constructs run against a real VictoriaLogs in the adapter's tests.
func TestPrintConformance(t *testing.T) {
	for _, tc := range []struct{ construct, in, want string }{
		{"match all", `*`, `*`},
		{"empty query", ``, `*`},
		{"default-field term (message is text)", `timeout`, `_msg:i("timeout")`},
		{"term on a text field", `body:Timeout`, `"body":i("Timeout")`},
		{"term on a whole-value field", `severity:error`, `"severity":="error"`},
		{"number compares as a number", `status_code:500`, `"status_code":range[500, 500]`},
		{"negative number", `delta:-5`, `"delta":range[-5, -5]`},
		{"implicit AND", `severity:error service:payment`, `"severity":="error" AND "service":="payment"`},
		{"OR", `severity:error OR severity:warn`, `"severity":="error" OR "severity":="warn"`},
		{"precedence a OR b c", `a OR b c`, `_msg:i("a") OR (_msg:i("b") AND _msg:i("c"))`},
		{"set on a whole-value field", `severity:IN [error warn]`, `"severity":in("error", "warn")`},
		{"set on a text field", `message:IN [timeout refused]`, `(_msg:i("timeout") OR _msg:i("refused"))`},
		{"NOT", `NOT service:health-check`, `NOT "service":="health-check"`},
		{"minus", `-service:health-check`, `NOT "service":="health-check"`},
		{"NOT of a group", `NOT (a OR b)`, `NOT (_msg:i("a") OR _msg:i("b"))`},
		{"phrase on text", `message:"connection reset by peer"`, `_msg:i("connection reset by peer")`},
		{"phrase on a whole-value field", `host:"ip-10-0-1-10"`, `"host":="ip-10-0-1-10"`},
		{"phrase prefix on text", `message:"connection res"*`, `_msg:i("connection res"*)`},
		{"phrase prefix on a whole-value field", `endpoint:"/api/v1/"*`, `"endpoint":="/api/v1/"*`},
		{"prefix on a whole-value field", `endpoint:/api/v1/*`, `"endpoint":="/api/v1/"*`},
		{"prefix on text", `message:conn*`, `_msg:i("conn"*)`},
		{"inclusive range", `latency_ms:[500 TO 1000]`, `"latency_ms":range[500, 1000]`},
		{"open range", `latency_ms:[500 TO *]`, `"latency_ms":range[500, Inf)`},
		{"exclusive range", `status_code:{499 TO 600}`, `"status_code":range(499, 600)`},
		{"comparison >=", `latency_ms:>=500`, `"latency_ms":range[500, Inf)`},
		{"comparison <", `latency_ms:<10.5`, `"latency_ms":range(-Inf, 10.5)`},
		{"string range", `user:[alice TO bob}`, `"user":>="alice" AND "user":<"bob"`},
		{"time range", `timestamp:[2026-01-15T14:00:00Z TO 2026-01-15T14:30:00Z]`, `_time:[2026-01-15T14:00:00Z, 2026-01-15T14:30:00Z]`},
		{"time range, exclusive end", `timestamp:[2026-01-15T14:00:00Z TO 2026-01-15T14:30:00Z}`, `_time:[2026-01-15T14:00:00Z, 2026-01-15T14:30:00Z)`},
		{"date math", `timestamp:>now-15m`, `_time:>2026-01-15T14:15:00Z`},
		{"date math rounded", `timestamp:[now-1d/d TO now/d]`, `_time:[2026-01-14T00:00:00Z, 2026-01-15T23:59:59.999999999Z]`},
		{"epoch milliseconds ($__from)", `timestamp:>=1768485600000`, `_time:>=2026-01-15T14:00:00Z`},
		{"exists", `trace_id:*`, `"trace_id":*`},
		{"exists on the timestamp", `timestamp:*`, `*`},
		{"field group", `service:(payment OR auth) AND severity:error`, `("service":="payment" OR "service":="auth") AND "severity":="error"`},
		{"escaped colon and space", `user\:name:bob\ smith`, `"user:name":="bob smith"`},
		{"dotted field", `k8s.pod.name:api-7f9`, `"k8s.pod.name":="api-7f9"`},
		{"quote inside a value", `message:"say \"hi\""`, `_msg:i("say \"hi\"")`},
		{"unicode", `message:délai`, `_msg:i("délai")`},
		{"nested", `(a AND (b OR NOT c)) OR d`, `(_msg:i("a") AND (_msg:i("b") OR NOT _msg:i("c"))) OR _msg:i("d")`},
	} {
		t.Run(tc.construct, func(t *testing.T) {
			n, err := query.Parse(tc.in)
			if err != nil {
				t.Fatalf("parse %q: %v", tc.in, err)
			}
			got, err := Print(n, testOptions())
			if err != nil {
				t.Fatalf("Print(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Print(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

// TestPrintRefuses: what LogsQL would answer differently is refused before
// it is sent, with an error naming the construct.
func TestPrintRefuses(t *testing.T) {
	for _, tc := range []struct{ in, construct string }{
		{`service:""`, `service:""`},
		{`message:""`, `message:""`},
		{`message:"--"`, `message:"--"`},
		{`message:-- `, `message:--`},
		{`timestamp:[yesterday TO now]`, `timestamp range bound 'yesterday'`},
		{`timestamp:"2026-01-15"*`, `timestamp:"2026-01-15"*`},
		{`service:IN [a ""]`, `service:IN [""]`},
	} {
		n, err := query.Parse(tc.in)
		if err != nil {
			t.Fatalf("parse %q: %v", tc.in, err)
		}
		_, err = Print(n, testOptions())
		var uerr *backend.UnsupportedError
		if !errors.As(err, &uerr) {
			t.Fatalf("Print(%q) = %v, want an UnsupportedError", tc.in, err)
		}
		if uerr.Construct != tc.construct || !strings.Contains(err.Error(), "victorialogs cannot run") {
			t.Errorf("Print(%q): construct %q (%v), want %q", tc.in, uerr.Construct, err, tc.construct)
		}
	}
}

func TestDefaultFieldsExpand(t *testing.T) {
	opts := testOptions()
	opts.DefaultFields = []string{"message", "body"}
	n, _ := query.Parse(`timeout AND severity:error`)
	got, err := Print(n, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := `(_msg:i("timeout") OR "body":i("timeout")) AND "severity":="error"`; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestTimeRange(t *testing.T) {
	from, to := testNow, testNow.Add(time.Hour)
	for _, tc := range []struct {
		from, to time.Time
		want     string
	}{
		{from, to, `_time:[2026-01-15T14:30:00Z, 2026-01-15T15:30:00Z)`},
		{from, time.Time{}, `_time:>=2026-01-15T14:30:00Z`},
		{time.Time{}, to, `_time:<2026-01-15T15:30:00Z`},
		{time.Time{}, time.Time{}, ``},
	} {
		if got := TimeRange(tc.from, tc.to); got != tc.want {
			t.Errorf("TimeRange = %q, want %q", got, tc.want)
		}
	}
}
