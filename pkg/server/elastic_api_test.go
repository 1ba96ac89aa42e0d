package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

var update = flag.Bool("update", false, "rewrite testdata/elastic/*.golden from the current answers")

// fixtureStart is the start of the hour the fixture's events fill.
var fixtureStart = time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)

// newElasticFixture serves a real engine holding two indexes: `logs` (48
// events, one every 75 s over an hour) and `logs-b` (12 events, some at the
// same instants as `logs`, to exercise ties across indexes).
func newElasticFixture(t *testing.T) (*httptest.Server, *engine.Engine) {
	t.Helper()
	srv, eng, _ := newTestServer(t, engine.Options{}, "")
	cfg := engine.DefaultIndexConfig()
	cfg.IndexID = "logs-b"
	if err := eng.CreateIndex(cfg); err != nil {
		t.Fatal(err)
	}
	severities := []string{"info", "warn", "error", "info"}
	services := []string{"payment-service", "auth", "checkout"}
	var logs, logsB strings.Builder
	for i := 0; i < 48; i++ {
		ts := fixtureStart.Add(time.Duration(i) * 75 * time.Second)
		fmt.Fprintf(&logs, `{"timestamp":%q,"severity":%q,"service":%q,"latency_ms":%d,"status":%d,"message":"request %d handled by %s"}`+"\n",
			ts.Format(time.RFC3339Nano), severities[i%4], services[i%3], (i*37)%500, 200+100*(i%4), i, services[i%3])
	}
	for i := 0; i < 12; i++ {
		ts := fixtureStart.Add(time.Duration(i) * 300 * time.Second)
		fmt.Fprintf(&logsB, `{"timestamp":%q,"severity":%q,"service":"batch","latency_ms":%d,"message":"batch job %d"}`+"\n",
			ts.Format(time.RFC3339Nano), severities[(i+2)%4], 1000+i, i)
	}
	for index, body := range map[string]string{"logs": logs.String(), "logs-b": logsB.String()} {
		if code, msg := send(t, "POST", srv.URL+"/api/v1/"+index+"/ingest?commit=force", "", nil, []byte(body)); code != 200 {
			t.Fatalf("ingest %s: %d %s", index, code, msg)
		}
	}
	return srv, eng
}

var tookPattern = regexp.MustCompile(`"took":\d+`)

// TestElasticAPIGolden replays requests shaped as Grafana's Elasticsearch
// datasource and the Quickwit datasource send them (written from their
// documentation: query editor types, health check, field listing), and
// clients' error cases, against the fixture; the answers are golden files
// (go test ./pkg/server -run TestElasticAPIGolden -update rewrites them).
func TestElasticAPIGolden(t *testing.T) {
	srv, _ := newElasticFixture(t)
	files, err := filepath.Glob("testdata/elastic/*.http")
	if err != nil || len(files) == 0 {
		t.Fatalf("no request files: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".http")
		t.Run(name, func(t *testing.T) {
			method, path, body := readHTTPFile(t, file)
			req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-ndjson")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var raw bytes.Buffer
			raw.ReadFrom(res.Body)
			if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
				t.Errorf("%s %s: no X-Elastic-Product: Elasticsearch header", method, path)
			}
			got := formatAnswer(t, res.StatusCode, raw.Bytes())
			golden := strings.TrimSuffix(file, ".http") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("answer differs from %s:\n%s", golden, got)
			}
		})
	}
}

func readHTTPFile(t *testing.T, file string) (string, string, []byte) {
	t.Helper()
	return readHTTPFileF(t, file)
}

// readHTTPFileF reads a request file: comment lines (#), "METHOD PATH",
// then the body.
func readHTTPFileF(t testing.TB, file string) (string, string, []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var method, path string
	var body bytes.Buffer
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case method == "":
			method, path, _ = strings.Cut(line, " ")
		default:
			body.WriteString(line + "\n")
		}
	}
	return method, path, body.Bytes()
}

func formatAnswer(t *testing.T, status int, body []byte) []byte {
	t.Helper()
	body = tookPattern.ReplaceAll(body, []byte(`"took":0`))
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		pretty.Write(body)
	}
	return []byte(fmt.Sprintf("%d\n%s\n", status, strings.TrimSpace(pretty.String())))
}

// search_after with the sort values Triage returns pages through two
// indexes, ties at equal timestamps included, returning every event once
// in order, in both directions.
func TestElasticSearchAfterPagesEveryHitOnce(t *testing.T) {
	srv, _ := newElasticFixture(t)
	for _, dir := range []string{"desc", "asc"} {
		seen := map[string]bool{}
		var last int64
		var after json.RawMessage
		for page := 0; page < 20; page++ {
			body := fmt.Sprintf(`{"size":7,"sort":[{"timestamp":{"order":%q}},{"_doc":{"order":%q}}]%s}`, dir, dir,
				map[bool]string{true: "", false: `,"search_after":` + string(after)}[after == nil])
			code, msg := send(t, "POST", srv.URL+"/api/v1/_elastic/logs*/_search", "", nil, []byte(body))
			if code != 200 {
				t.Fatalf("%s page %d: %d %s", dir, page, code, msg)
			}
			var res struct {
				Hits struct {
					Total struct{ Value int } `json:"total"`
					Hits  []struct {
						Index  string            `json:"_index"`
						ID     string            `json:"_id"`
						Sort   []json.RawMessage `json:"sort"`
						Source map[string]any    `json:"_source"`
					} `json:"hits"`
				} `json:"hits"`
			}
			if err := json.Unmarshal([]byte(msg), &res); err != nil {
				t.Fatal(err)
			}
			if res.Hits.Total.Value != 60 {
				t.Fatalf("total %d, want 60", res.Hits.Total.Value)
			}
			if len(res.Hits.Hits) == 0 {
				break
			}
			for _, h := range res.Hits.Hits {
				key := h.Index + "/" + h.ID
				if seen[key] {
					t.Fatalf("%s: %s returned twice", dir, key)
				}
				seen[key] = true
				ts, _ := time.Parse(time.RFC3339Nano, h.Source["timestamp"].(string))
				if last != 0 && ((dir == "desc" && ts.UnixNano() > last) || (dir == "asc" && ts.UnixNano() < last)) {
					t.Fatalf("%s: %s out of order", dir, key)
				}
				last = ts.UnixNano()
			}
			after, _ = json.Marshal(res.Hits.Hits[len(res.Hits.Hits)-1].Sort)
		}
		if len(seen) != 60 {
			t.Errorf("%s: paged through %d events, want 60", dir, len(seen))
		}
	}
}

// Issue 12 #7: Quickwit's REST parser reads sort_by=-field as ascending
// and field/+field as descending (its unit test: "-field1,+field2" →
// [Asc, Desc]); Triage used to do the opposite.
func TestQuickwitSortBySign(t *testing.T) {
	srv, _ := newElasticFixture(t)
	first := func(sortBy string) string {
		var res struct {
			Hits []map[string]any `json:"hits"`
		}
		code, msg := send(t, "GET", srv.URL+"/api/v1/logs/search?max_hits=1&sort_by="+sortBy, "", nil, nil)
		if code != 200 || json.Unmarshal([]byte(msg), &res) != nil || len(res.Hits) != 1 {
			t.Fatalf("sort_by=%s: %d %s", sortBy, code, msg)
		}
		return res.Hits[0]["timestamp"].(string)
	}
	oldest, newest := fixtureStart.Format(time.RFC3339Nano), fixtureStart.Add(47*75*time.Second).Format(time.RFC3339Nano)
	for sortBy, want := range map[string]string{"-timestamp": oldest, "timestamp": newest, "%2Btimestamp": newest, "": newest} {
		if got := first(sortBy); got != want {
			t.Errorf("sort_by=%q: first hit at %s, want %s", sortBy, got, want)
		}
	}
	for _, bad := range []string{"latency_ms", "timestamp,-timestamp,timestamp"} {
		if code, msg := send(t, "GET", srv.URL+"/api/v1/logs/search?sort_by="+bad, "", nil, nil); code != 400 {
			t.Errorf("sort_by=%s: %d %s, want 400", bad, code, msg)
		}
	}
	if code, msg := send(t, "GET", srv.URL+"/api/v1/logs/search?max_hit=1", "", nil, nil); code != 400 || !strings.Contains(msg, `max_hit`) {
		t.Errorf("misspelt parameter: %d %s, want 400 naming it", code, msg)
	}
}

// Issue 12 #5: GET /api/v1/indexes?index_id_patterns=… filters as Quickwit
// does (the Quickwit datasource resolves index patterns with it).
func TestIndexListHonoursIndexIDPatterns(t *testing.T) {
	srv, eng := newElasticFixture(t)
	cfg := engine.DefaultIndexConfig()
	cfg.IndexID = "audit"
	if err := eng.CreateIndex(cfg); err != nil {
		t.Fatal(err)
	}
	for patterns, want := range map[string]string{
		"logs*": "logs,logs-b", "logs-*": "logs-b", "audit,logs": "audit,logs", "*": "audit,logs,logs-b",
		"*,-logs-b": "audit,logs", "nothing*": "",
	} {
		code, msg := send(t, "GET", srv.URL+"/api/v1/indexes?index_id_patterns="+patterns, "", nil, nil)
		var list []struct {
			Config struct {
				IndexID string `json:"index_id"`
			} `json:"index_config"`
		}
		if code != 200 || json.Unmarshal([]byte(msg), &list) != nil {
			t.Fatalf("%s: %d %s", patterns, code, msg)
		}
		var ids []string
		for _, ix := range list {
			ids = append(ids, ix.Config.IndexID)
		}
		if got := strings.Join(ids, ","); got != want {
			t.Errorf("index_id_patterns=%s: %q, want %q", patterns, got, want)
		}
	}
	if code, _ := send(t, "GET", srv.URL+"/api/v1/indexes?index_id_patterns=bad/pattern", "", nil, nil); code != 400 {
		t.Errorf("a pattern with '/': %d, want 400", code)
	}
}
