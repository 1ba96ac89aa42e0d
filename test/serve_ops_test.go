package test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/test/harness"
)

// TestServeHealthAndStoreGauges checks what operators point probes and
// Prometheus at: the health endpoints answer without a token, and /metrics
// carries the store's state under Prometheus' naming conventions, without
// the plugin SDK's series that mean nothing outside Grafana.
func TestServeHealthAndStoreGauges(t *testing.T) {
	dir := t.TempDir()
	const token = "ops-token-0123456789"
	s := startServe(t, "-data", dir, "-listen", "127.0.0.1:0", "-token", token)
	base := "http://" + s.addr
	for path, want := range map[string]string{"/health/livez": `{"status":"live"}`, "/health/readyz": `{"status":"ready"}`} {
		if code, body := httpGet(t, base+path); code != http.StatusOK || strings.TrimSpace(body) != want {
			t.Errorf("GET %s without a token: %d %s, want 200 %s", path, code, body, want)
		}
	}
	if code, body := post(t, base+"/api/v1/logs/ingest?commit=wait_for", token, ndjson(0, 40)); code != http.StatusOK {
		t.Fatalf("ingest: %d %s", code, body)
	}
	_, metrics := httpGet(t, base+"/metrics")
	store := fmt.Sprintf(`{index="logs",store=%q}`, dir)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(regexp.QuoteMeta("triage_index_events"+store) + ` 40\n`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_head_events"+store) + ` 40\n`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_head_bytes"+store) + ` [1-9]`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_wal_bytes"+store) + ` [1-9]`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_splits"+store) + ` 0\n`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_damaged_splits"+store) + ` 0\n`),
		regexp.MustCompile(`# TYPE triage_index_merges_total counter\n`),
		regexp.MustCompile(regexp.QuoteMeta("triage_index_newest_event_timestamp_seconds"+store) + ` 1\.768`),
		regexp.MustCompile(`\ngo_goroutines `),
	} {
		if !want.MatchString(metrics) {
			t.Errorf("/metrics has no line matching %s", want)
		}
	}
	if strings.Contains(metrics, "plugins_active_instances") {
		t.Error("/metrics of the standalone server shows the plugin SDK's plugins_active_instances")
	}
	s.stop(t)
}

// httpGet returns a GET's status and body.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, string(body)
}

// serveDemo starts `serve -demo` and returns once its banner is printed,
// with the banner's lines.
func serveDemo(t *testing.T, args ...string) (*standalone, []string) {
	t.Helper()
	cmd := exec.Command(harness.Binary(t), append([]string{"serve", "-demo", "-demo-rate", "2"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &standalone{cmd: cmd, done: make(chan error, 1)}
	banner := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if m := listeningLine.FindStringSubmatch(lines[0]); m != nil && strings.HasPrefix(sc.Text(), "Grafana:") {
				s.addr = m[1]
				banner <- lines
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case lines := <-banner:
		return s, lines
	case err := <-s.done:
		t.Fatalf("serve -demo exited before its banner: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("serve -demo printed no banner within 2 minutes")
	}
	return nil, nil
}

// TestServeDemoIsSearchableAtItsBannerAndContinues runs `mage run`'s command
// three times on one store: the banner comes once the last hour is
// searchable and its curl command works as printed; a second run continues
// the demo instead of writing the hour again; -reset starts clean.
func TestServeDemoIsSearchableAtItsBannerAndContinues(t *testing.T) {
	dir := t.TempDir()
	const backfill = 2 * 3600 // -demo-rate 2 over the last hour
	first, lines := serveDemo(t, "-data", dir, "-listen", "127.0.0.1:0")
	afterFirst := indexEvents(t, first.addr, "logs")
	if afterFirst < backfill {
		t.Fatalf("at the banner logs holds %d events, want the hour's %d searchable", afterFirst, backfill)
	}
	var curl string
	for _, l := range lines {
		if strings.Contains(l, "curl -XPOST") {
			curl = strings.TrimSpace(l)
		}
	}
	if curl == "" {
		t.Fatalf("the banner has no ingest command:\n%s", strings.Join(lines, "\n"))
	}
	out, err := exec.Command("sh", "-c", curl+" -sS").CombinedOutput()
	var res struct {
		Ingested int `json:"num_ingested_docs"`
	}
	if err != nil || json.Unmarshal(out, &res) != nil || res.Ingested != 20 {
		t.Fatalf("the banner's command %s: %v %s, want 20 sample events ingested", curl, err, out)
	}
	first.stop(t)
	stopped := time.Now()
	afterStop := afterFirst + 20

	second, _ := serveDemo(t, "-data", dir, "-listen", "127.0.0.1:0")
	afterSecond := indexEvents(t, second.addr, "logs")
	// The second run writes only the seconds since the first stopped (2
	// events/s) and whatever the first streamed live, never the hour again.
	if grown := afterSecond - afterStop; grown < 0 || grown > int64(2*time.Since(stopped).Seconds())+1000 {
		t.Fatalf("the second run went from %d to %d events; it should continue, not write the hour again", afterStop, afterSecond)
	}
	second.stop(t)

	third, _ := serveDemo(t, "-data", dir, "-listen", "127.0.0.1:0", "-reset")
	// The live stream starts with the banner and sends its first batch (500
	// events, pkg/server/demo.go) at once: it may land before this count.
	const liveBatch = 500
	if n := indexEvents(t, third.addr, "logs"); n < backfill || n > backfill+liveBatch+200 {
		t.Fatalf("after -reset logs holds %d events, want the fresh hour's %d (and at most one live batch)", n, backfill)
	}
	third.stop(t)
}
