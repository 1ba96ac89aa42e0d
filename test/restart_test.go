package test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/triage-logs/triage/test/harness"
)

// Grafana starts the plugin process when Grafana starts, but creates a
// datasource's instance only at its first query, health check or resource
// call. These tests restart the plugin process as a Grafana restart does,
// with the same data area (GF_PATHS_DATA), and ingest before any call.

// tryPost is post that reports a refused connection instead of failing.
func tryPost(url, token string, body []byte) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(msg), nil
}

// postWhenListening retries while the listener is not up yet (the plugin
// brings listeners up in the background as it starts).
func postWhenListening(t *testing.T, url, token string, body []byte) (int, string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, msg, err := tryPost(url, token, body)
		if err == nil {
			return code, msg
		}
		if !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
			t.Fatalf("POST %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// restartable starts plugin processes that share one Grafana data area.
func restartable(t *testing.T, extraEnv ...string) (dataArea string, start func() *harness.Plugin) {
	dataArea = t.TempDir()
	env := append([]string{"GF_PATHS_DATA=" + dataArea}, extraEnv...)
	return dataArea, func() *harness.Plugin { return harness.Start(t, harness.Options{Env: env}) }
}

func TestIngestIsUpAfterPluginRestartBeforeAnyQuery(t *testing.T) {
	const token = "restart-token-0123456789"
	dataArea, start := restartable(t)
	addr := freePort(t)
	url := "http://" + addr + "/api/v1/logs/ingest?commit=wait_for"

	first := start()
	// No dataDir: the store goes to the default, $GF_PATHS_DATA/triage/<uid>, so
	// assertTokenNotOnDisk reads it too.
	ds := first.Datasource(t, map[string]any{"ingestListen": addr}, map[string]string{"ingestToken": token})
	if h, _ := health(t, ds); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health = %v %q", h.Status, h.Message)
	}
	if code, body := post(t, url, token, ndjson(0, 10)); code != http.StatusOK {
		t.Fatalf("ingest before the restart: %d %s", code, body)
	}
	first.Stop()
	assertTokenNotOnDisk(t, dataArea, token)

	// Grafana restarted: the plugin runs, nobody has queried the datasource.
	second := start()
	code, body := postWhenListening(t, url, token, ndjson(10, 15))
	if code != http.StatusOK || !strings.Contains(body, `"num_ingested_docs":15`) {
		t.Fatalf("ingest after the restart, before any query: %d %s, want 200 with 15 ingested", code, body)
	}
	for path, want := range map[string]string{"/health/readyz": `"ready"`, "/metrics": `triage_index_events{index="logs"`} {
		if code, body := httpGet(t, "http://"+addr+path); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s before any query: %d, want 200 with %s", path, code, want)
		}
	}
	for _, wrong := range []string{"", "wrong-token-0123456789"} {
		if code, body := post(t, url, wrong, ndjson(0, 1)); code != http.StatusUnauthorized {
			t.Errorf("token %q after the restart: %d %s, want 401", wrong, code, body)
		}
	}
	// Grafana now creates the instance: it takes over the same store and socket.
	again := &harness.Datasource{Plugin: second, Settings: ds.Settings}
	h, d := health(t, again)
	if h.Status != pluginv2.CheckHealthResponse_OK || d.IngestBound != addr {
		t.Fatalf("health after the restart = %v %q, want OK listening on %s", h.Status, h.Message, addr)
	}
	if code, body := post(t, url, token, ndjson(25, 5)); code != http.StatusOK {
		t.Fatalf("ingest after Grafana created the instance: %d %s", code, body)
	}
	if _, d := health(t, again); eventsIn(d, "logs") != 30 {
		t.Fatalf("health counts %d events, want the 10 + 15 + 5 ingested across the restart", eventsIn(d, "logs"))
	}
}

// A datasource deleted in Grafana is never announced to the plugin. When a
// datasource Grafana does use wants the port a remembered one holds (the
// usual delete-and-recreate), the remembered one gives it up and is forgotten.
func TestRestartedPluginGivesDeletedDatasourcesPortAway(t *testing.T) {
	const oldToken, newToken = "old-token-0123456789ab", "new-token-0123456789ab"
	dataArea, start := restartable(t)
	addr := freePort(t)
	url := "http://" + addr + "/api/v1/logs/ingest"

	deleted := servedOnce(t, start, map[string]any{"dataDir": t.TempDir(), "ingestListen": addr}, oldToken)

	second := start()
	if code, body := postWhenListening(t, url, oldToken, ndjson(0, 1)); code != http.StatusOK {
		t.Fatalf("the remembered datasource after the restart: %d %s", code, body)
	}
	replacement := second.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": addr}, map[string]string{"ingestToken": newToken})
	if h, d := health(t, replacement); h.Status != pluginv2.CheckHealthResponse_OK || d.IngestBound != addr {
		t.Fatalf("the new datasource's health = %v %q, want OK on %s", h.Status, h.Message, addr)
	}
	if code, body := post(t, url, newToken, ndjson(0, 3)); code != http.StatusOK {
		t.Fatalf("ingest with the new datasource's token: %d %s", code, body)
	}
	if code, body := post(t, url, oldToken, ndjson(0, 3)); code != http.StatusUnauthorized {
		t.Fatalf("ingest with the deleted datasource's token: %d %s, want 401", code, body)
	}
	record := recordFile(dataArea, deleted.Settings.Uid)
	if _, err := os.Stat(record); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the deleted datasource is still remembered in %s (%v)", record, err)
	}
}

// A remembered datasource Grafana does not use within the lease stops
// listening and is forgotten (TRIAGE_STANDBY_LEASE, 30 days by default).
// The lease is long enough for a restart on a loaded machine: it runs from
// the first process's health check.
func TestRememberedDatasourceStopsAfterTheLease(t *testing.T) {
	const token = "lease-token-0123456789"
	dataArea, start := restartable(t, "TRIAGE_STANDBY_LEASE=15s")
	addr := freePort(t)
	url := "http://" + addr + "/api/v1/logs/ingest"

	ds := servedOnce(t, start, map[string]any{"dataDir": t.TempDir(), "ingestListen": addr}, token)

	start()
	if code, body := postWhenListening(t, url, token, ndjson(0, 1)); code != http.StatusOK {
		t.Fatalf("within the lease: %d %s", code, body)
	}
	record := recordFile(dataArea, ds.Settings.Uid)
	deadline := time.Now().Add(45 * time.Second)
	for {
		_, _, err := tryPost(url, token, ndjson(0, 1))
		_, statErr := os.Stat(record)
		if errors.Is(err, syscall.ECONNREFUSED) && errors.Is(statErr, fs.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("past the lease the listener still answers (%v) or the record remains (%v)", err, statErr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// servedOnce runs a plugin process that serves one datasource with a
// listener on addr (a health check is Grafana's first use), then stops it.
func servedOnce(t *testing.T, start func() *harness.Plugin, jsonData map[string]any, token string) *harness.Datasource {
	t.Helper()
	p := start()
	ds := p.Datasource(t, jsonData, map[string]string{"ingestToken": token})
	if h, _ := health(t, ds); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health = %v %q", h.Status, h.Message)
	}
	p.Stop()
	return ds
}

// recordFile is where the plugin remembers a datasource.
func recordFile(dataArea, uid string) string {
	return filepath.Join(dataArea, "triage", ".plugin", "datasources", uid+".json")
}

// assertTokenNotOnDisk reads every file the plugin wrote in its data area:
// the ingest token, which Grafana keeps encrypted, must not be among them.
func assertTokenNotOnDisk(t *testing.T, dir, token string) {
	t.Helper()
	found := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(raw, []byte(token)) {
			t.Errorf("%s holds the ingest token in the clear", path)
		}
		found++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatalf("the plugin wrote nothing under %s: it cannot remember the datasource", dir)
	}
}
