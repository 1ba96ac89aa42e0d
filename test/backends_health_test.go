package test

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/triage-logs/triage/test/harness"
)

// remoteHealth is the part of a remote health check's details tests read.
type remoteHealth struct {
	Backend struct {
		Backend   string `json:"backend"`
		Version   string `json:"version"`
		URL       string `json:"url"`
		Reachable bool   `json:"reachable"`
	} `json:"backend"`
	DefaultIndex string `json:"defaultIndex"`
	CommitDelay  string `json:"commitDelay"`
}

// TestBackendsHealth checks each backend kind's health check through the
// plugin: it names the kind, its version when the store says, the URL and
// whether it answers, and checks the default index can be read.
func TestBackendsHealth(t *testing.T) {
	start := time.Now().UTC()
	set := startBackends(t, [][]byte{liveLine(start.Add(-time.Minute), "health", 0)}, start.Add(-time.Hour), start.Add(time.Hour))
	tests := []struct {
		name        string
		kind        string
		version     string
		wantMessage []string
		commitDelay string
	}{
		{name: "embedded", kind: "embedded", wantMessage: []string{"Triage is ready (embedded engine"}},
		{name: "victorialogs-cluster", kind: "victorialogs", wantMessage: []string{"VictoriaLogs", "answers queries", `default index "logs"`}},
		{name: "quickwit-fake", kind: "quickwit", version: "0.9.1", wantMessage: []string{"Quickwit 0.9.1", "answers, 1 indexes", "live tail lags"}, commitDelay: "1s"},
		{name: "quickwit-gpx_triage-serve", kind: "quickwit", wantMessage: []string{"Quickwit", "answers, 1 indexes"}, commitDelay: "1s"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := set[i]
			h := b.ds.Health(t)
			if h.Status != pluginv2.CheckHealthResponse_OK {
				t.Fatalf("status %v: %s", h.Status, h.Message)
			}
			var d remoteHealth
			if err := json.Unmarshal(h.JsonDetails, &d); err != nil {
				t.Fatalf("details %s: %v", h.JsonDetails, err)
			}
			if d.Backend.Backend != tt.kind || !d.Backend.Reachable || d.Backend.Version != tt.version && tt.version != "" {
				t.Errorf("details.backend = %+v, want %s, reachable, version %q", d.Backend, tt.kind, tt.version)
			}
			if url := b.ds.Settings.Url; url != "" && (d.Backend.URL != url || !strings.Contains(h.Message, url)) {
				t.Errorf("health names URL %q (%q), want %s", d.Backend.URL, h.Message, url)
			}
			if d.CommitDelay != tt.commitDelay {
				t.Errorf("commit delay %q, want %q", d.CommitDelay, tt.commitDelay)
			}
			for _, w := range tt.wantMessage {
				if !strings.Contains(h.Message, w) {
					t.Errorf("message %q does not mention %q", h.Message, w)
				}
			}
		})
	}
	t.Run("a default index the cluster lacks", func(t *testing.T) {
		ds := set[2].ds.Plugin.RemoteDatasource(t, set[2].ds.Settings.Url, map[string]any{"backend": "quickwit", "defaultIndex": "app-logs"}, nil)
		h := ds.Health(t)
		if h.Status != pluginv2.CheckHealthResponse_ERROR {
			t.Fatalf("status %v (%s), want an error", h.Status, h.Message)
		}
		for _, w := range []string{`default index "app-logs" cannot be read`, "set defaultIndex to one of logs"} {
			if !strings.Contains(h.Message, w) {
				t.Errorf("message %q does not mention %q", h.Message, w)
			}
		}
	})
}

// TestBackendHealthWithoutACluster: an unreachable URL and bad settings
// fail the health check, naming the URL or the setting and what to change.
func TestBackendHealthWithoutACluster(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	p := harness.Start(t, harness.Options{})
	tests := []struct {
		name     string
		url      string
		basic    bool
		jsonData map[string]any
		secure   map[string]string
		want     []string
	}{
		{name: "quickwit unreachable", url: closed, jsonData: map[string]any{"backend": "quickwit", "timeout": 3},
			want: []string{"Quickwit at " + closed + " is not reachable", "check the URL"}},
		{name: "victorialogs unreachable", url: closed, jsonData: map[string]any{"backend": "victorialogs", "timeout": 3},
			want: []string{"VictoriaLogs at " + closed + " is not reachable", "/health"}},
		{name: "no URL", jsonData: map[string]any{"backend": "victorialogs"}, want: []string{"invalid datasource settings", "needs the URL of the cluster", "http://vlselect:9471"}},
		{name: "unknown backend", url: closed, jsonData: map[string]any{"backend": "elasticsearch"},
			want: []string{`backend "elasticsearch" is not one of embedded, quickwit or victorialogs`}},
		{name: "basic auth without a user", url: closed, basic: true, jsonData: map[string]any{"backend": "quickwit"},
			want: []string{"basic auth user is empty"}},
		{name: "a CA certificate that is not PEM", url: "https://127.0.0.1:1", jsonData: map[string]any{"backend": "quickwit", "tlsAuthWithCACert": true},
			secure: map[string]string{"tlsCACert": "not a certificate"}, want: []string{"CA certificate is not PEM-encoded"}},
		{name: "timeout out of range", url: closed, jsonData: map[string]any{"backend": "quickwit", "timeout": -5},
			want: []string{"timeout -5 must be a number of seconds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := p.RemoteDatasource(t, tt.url, tt.jsonData, tt.secure)
			ds.Settings.BasicAuthEnabled = tt.basic
			h := ds.Health(t)
			if h.Status != pluginv2.CheckHealthResponse_ERROR {
				t.Fatalf("status %v (%s), want an error", h.Status, h.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(h.Message, w) {
					t.Errorf("message %q does not mention %q", h.Message, w)
				}
			}
			// Queries say the same instead of failing obscurely.
			if r := ds.Query(t, harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"*"}`})["A"]; r.Error == "" {
				t.Error("a query on a datasource that cannot reach its cluster answered without an error")
			}
		})
	}
}
