package quickwitfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The behaviour each test pins is Quickwit's documented behaviour; the
// test names the document it follows.

const testIndex = `{"version":"0.8","index_id":"logs","doc_mapping":{"mode":"dynamic","field_mappings":[
 {"name":"timestamp","type":"datetime","fast":true,"input_formats":["rfc3339"],"fast_precision":"seconds"},
 {"name":"message","type":"text","tokenizer":"default"},
 {"name":"user","type":"text","tokenizer":"raw","fast":true},
 {"name":"latency_ms","type":"f64","fast":true}],"timestamp_field":"timestamp"},
 "search_settings":{"default_search_fields":["message"]},"indexing_settings":{"commit_timeout_secs":5}}`

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func start(t *testing.T, version string) (*httptest.Server, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 1, 15, 15, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(New(Options{Version: version, Now: c.Now}))
	t.Cleanup(srv.Close)
	do(t, srv, "POST", "/api/v1/indexes", testIndex, 200)
	return srv, c
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, want int) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

func ingest(t *testing.T, srv *httptest.Server, commit string, lines ...string) {
	t.Helper()
	do(t, srv, "POST", "/api/v1/logs/ingest?commit="+commit, strings.Join(lines, "\n"), 200)
}

func search(t *testing.T, srv *httptest.Server, body string, want int) map[string]any {
	t.Helper()
	return do(t, srv, "POST", "/api/v1/_elastic/logs/_search", body, want)
}

func total(res map[string]any) int {
	return int(res["hits"].(map[string]any)["total"].(map[string]any)["value"].(float64))
}

// rest-api.md, "Ingest": documents are searchable once their split commits,
// commit_timeout_secs after ingest (commit=auto), or at once (force).
func TestCommitDelay(t *testing.T) {
	srv, c := start(t, "0.8.2")
	ingest(t, srv, "auto", `{"timestamp":"2026-01-15T14:00:00Z","message":"late"}`)
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:01Z","message":"now"}`)
	if n := total(search(t, srv, `{}`, 200)); n != 1 {
		t.Fatalf("before the commit timeout: %d hits, want only the forced one", n)
	}
	c.now = c.now.Add(5 * time.Second)
	if n := total(search(t, srv, `{}`, 200)); n != 2 {
		t.Fatalf("after the commit timeout: %d hits, want 2", n)
	}
}

// es_compatible_api.md: unknown body keys and parameters are refused.
func TestUnknownKeysAre400(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	search(t, srv, `{"size":1,"highlight":{}}`, 400)
	search(t, srv, `{"query":{"match_all":{},"boost":2}}`, 400)
	search(t, srv, `{"query":{"query_string":{"query":"a","default_operator":"AND","analyzer":"x"}}}`, 400)
	do(t, srv, "GET", "/api/v1/logs/search?query=*&sort_by_fieldz=x", "", 400)
}

// aggregation.md: date_histogram takes fixed_interval only.
func TestFixedIntervalsOnly(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	for _, kind := range []string{"interval", "calendar_interval"} {
		res := search(t, srv, `{"aggs":{"t":{"date_histogram":{"field":"timestamp","`+kind+`":"1m"}}}}`, 400)
		if !strings.Contains(res["error"].(map[string]any)["reason"].(string), kind) {
			t.Errorf("%s refused without naming it: %v", kind, res)
		}
	}
	search(t, srv, `{"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"}}}}`, 200)
	search(t, srv, `{"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"1M"}}}}`, 400)
}

// aggregation.md: more than 65,000 buckets abort the aggregation.
func TestBucketLimit(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:00Z"}`, `{"timestamp":"2026-01-16T14:00:00Z"}`)
	search(t, srv, `{"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"1s"}}}}`, 400)
	search(t, srv, `{"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"2s"}}}}`, 200)
}

// query-language.md and the range query: datetimes are RFC 3339; date math is not parsed.
func TestNoDateMath(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	search(t, srv, `{"query":{"range":{"timestamp":{"gte":"now-1h"}}}}`, 400)
	search(t, srv, `{"query":{"query_string":{"query":"timestamp:>now-1h","default_operator":"AND"}}}`, 400)
	search(t, srv, `{"query":{"range":{"timestamp":{"gte":"2026-01-15T14:00:00Z"}}}}`, 200)
}

// index-config.md: the timestamp fast field keeps seconds (fast_precision
// default); sort values come from it, the source keeps the full value.
func TestSecondPrecision(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:00.750Z","message":"a"}`)
	res := search(t, srv, `{"sort":[{"timestamp":{"order":"desc","format":"epoch_nanos_int"}}]}`, 200)
	hit := res["hits"].(map[string]any)["hits"].([]any)[0].(map[string]any)
	if got := hit["sort"].([]any)[0].(float64); got != float64(time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC).UnixNano()) {
		t.Errorf("sort value %v, want the second", got)
	}
	if src := hit["_source"].(map[string]any); src["timestamp"] != "2026-01-15T14:00:00.750Z" {
		t.Errorf("source %v", src)
	}
	// A range bound inside the second compares against the truncated value.
	if n := total(search(t, srv, `{"query":{"range":{"timestamp":{"gte":"2026-01-15T14:00:00.500Z"}}}}`, 200)); n != 0 {
		t.Errorf("gte .500 found %d, want 0 (the fast value is 14:00:00)", n)
	}
}

// rest-api.md (sort_by): `-field` is ascending, `field` descending.
func TestNativeSortBy(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:00Z","latency_ms":1}`, `{"timestamp":"2026-01-15T14:00:01Z","latency_ms":3}`, `{"timestamp":"2026-01-15T14:00:02Z","latency_ms":2}`)
	first := func(sortBy string) float64 {
		res := do(t, srv, "GET", "/api/v1/logs/search?query=*&sort_by="+sortBy, "", 200)
		return res["hits"].([]any)[0].(map[string]any)["latency_ms"].(float64)
	}
	if got := first("-latency_ms"); got != 1 {
		t.Errorf("-latency_ms starts with %v, want 1 (ascending)", got)
	}
	if got := first("latency_ms"); got != 3 {
		t.Errorf("latency_ms starts with %v, want 3 (descending)", got)
	}
	if got := first("%2Blatency_ms"); got != 3 {
		t.Errorf("+latency_ms starts with %v, want 3 (descending)", got)
	}
}

// CHANGELOG 0.9.0: cardinality and text ranges came in 0.9.
func TestVersionFeatures(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    int
	}{{"0.8.2", 400}, {"0.9.1", 200}} {
		srv, _ := start(t, tc.version)
		search(t, srv, `{"aggs":{"u":{"cardinality":{"field":"user"}}}}`, tc.want)
		search(t, srv, `{"query":{"query_string":{"query":"user:[a TO b]","default_operator":"AND"}}}`, tc.want)
	}
}

// es_compatible_api.md, search_after: sort values of the last hit continue
// the search; _shard_doc breaks ties inside one second.
func TestSearchAfterShardDoc(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	var lines []string
	for i := range 5 {
		lines = append(lines, `{"timestamp":"2026-01-15T14:00:00.`+string(rune('1'+i))+`Z","message":"m"}`)
	}
	ingest(t, srv, "force", lines...)
	sortSpec := `"sort":[{"timestamp":{"order":"desc","format":"epoch_nanos_int"}},{"_shard_doc":"desc"}]`
	seen := map[string]bool{}
	after := ""
	for page := 0; page < 10; page++ {
		res := search(t, srv, `{"size":2,`+sortSpec+after+`}`, 200)
		hits := res["hits"].(map[string]any)["hits"].([]any)
		if len(hits) == 0 {
			break
		}
		for _, h := range hits {
			src, _ := json.Marshal(h.(map[string]any)["_source"])
			if seen[string(src)] {
				t.Fatalf("page %d repeats %s", page, src)
			}
			seen[string(src)] = true
		}
		last, _ := json.Marshal(hits[len(hits)-1].(map[string]any)["sort"])
		after = `,"search_after":` + string(last)
	}
	if len(seen) != 5 {
		t.Fatalf("paged %d of 5 documents", len(seen))
	}
	search(t, srv, `{"size":2,`+sortSpec+`,"search_after":[1,"nope"]}`, 400)
}

// Failed splits leave their documents out and are reported.
func TestFailedSplitsReported(t *testing.T) {
	c := &clock{now: time.Date(2026, 1, 15, 15, 0, 0, 0, time.UTC)}
	fake := New(Options{Version: "0.9.1", Now: c.Now})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	do(t, srv, "POST", "/api/v1/indexes", testIndex, 200)
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:00Z"}`)
	ingest(t, srv, "force", `{"timestamp":"2026-01-15T14:00:01Z"}`)
	fake.FailSplits(1)
	res := search(t, srv, `{}`, 200)
	shards := res["_shards"].(map[string]any)
	if total(res) != 1 || shards["failed"].(float64) != 1 || len(shards["failures"].([]any)) != 1 {
		t.Fatalf("partial answer not reported: %v", res)
	}
	do(t, srv, "POST", "/api/v1/_elastic/logs/_search?allow_partial_search_results=false", `{}`, 500)
}

// es_compatible_api.md, _msearch: header and body lines; each answer has a status.
func TestMultiSearch(t *testing.T) {
	srv, _ := start(t, "0.8.2")
	res := do(t, srv, "POST", "/api/v1/_elastic/_msearch", `{"index":"logs"}
{"size":0}
{"index":"nope"}
{}
`, 200)
	rs := res["responses"].([]any)
	if len(rs) != 2 || rs[0].(map[string]any)["status"].(float64) != 200 || rs[1].(map[string]any)["status"].(float64) != 404 {
		t.Fatalf("responses %v", rs)
	}
}
