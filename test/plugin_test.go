package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/triage-logs/triage/test/harness"
)

func TestPluginStartsAndStops(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	if h := ds.Health(t); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health = %v %q, want OK", h.Status, h.Message)
	}
	p.Stop()
	if !p.Exited() {
		t.Fatal("plugin process still running after Stop")
	}
}

func TestHealth(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		jsonData    map[string]any
		secure      map[string]string
		wantStatus  pluginv2.CheckHealthResponse_HealthStatus
		wantMessage []string
		wantDetails map[string]any
	}{
		{
			name:        "writable data directory",
			jsonData:    map[string]any{"dataDir": filepath.Join(t.TempDir(), "store"), "ingestListen": ""},
			wantStatus:  pluginv2.CheckHealthResponse_OK,
			wantMessage: []string{"Triage is ready", "0 events in 1 indexes", "free"},
			wantDetails: map[string]any{"defaultIndex": "logs", "ingestAuth": "disabled", "retention": "720h0m0s"},
		},
		{
			name:        "no token narrows a public address to loopback, and health says so",
			jsonData:    map[string]any{"dataDir": t.TempDir(), "retention": "7d", "ingestListen": "0.0.0.0:0"},
			wantStatus:  pluginv2.CheckHealthResponse_OK,
			wantMessage: []string{"no ingest token", "binds 127.0.0.1:0 instead of 0.0.0.0:0"},
			wantDetails: map[string]any{"ingestListen": "0.0.0.0:0", "ingestAuth": "loopback only, no token", "retention": "168h0m0s"},
		},
		{
			name:        "token configured",
			jsonData:    map[string]any{"dataDir": t.TempDir(), "defaultIndex": "app-logs", "ingestListen": "127.0.0.1:0"},
			secure:      map[string]string{"ingestToken": "s3cret-s3cret-s3cret"},
			wantStatus:  pluginv2.CheckHealthResponse_OK,
			wantDetails: map[string]any{"ingestAuth": "bearer token", "defaultIndex": "app-logs"},
		},
		{
			name:        "a token too short to guard the listener is refused and health says why",
			jsonData:    map[string]any{"dataDir": t.TempDir(), "ingestListen": "0.0.0.0:0"},
			secure:      map[string]string{"ingestToken": "s3cret"},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"ingest listener is not running", "6 bytes long", "at least 16"},
		},
		{
			name:        "a whitespace token is refused, not taken as set",
			jsonData:    map[string]any{"dataDir": t.TempDir(), "ingestListen": "0.0.0.0:0"},
			secure:      map[string]string{"ingestToken": "   "},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"ingest listener is not running", "whitespace"},
		},
		{
			name:        "data directory cannot be created",
			jsonData:    map[string]any{"dataDir": filepath.Join(blocker, "store")},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"data directory", "cannot be created", "not a directory"},
		},
		{
			name:        "invalid retention",
			jsonData:    map[string]any{"dataDir": t.TempDir(), "retention": "forever"},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"invalid datasource settings", "retention", `"forever"`},
		},
		{
			name:        "every invalid setting is named",
			jsonData:    map[string]any{"dataDir": "relative/dir", "defaultIndex": "../etc", "ingestListen": "nohostport"},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"dataDir", "absolute", "defaultIndex", "ingestListen"},
		},
		{
			name:        "jsonData of the wrong type",
			jsonData:    map[string]any{"dataDir": 42},
			wantStatus:  pluginv2.CheckHealthResponse_ERROR,
			wantMessage: []string{"jsonData is not valid", "dataDir"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := p.Datasource(t, tt.jsonData, tt.secure).Health(t)
			if h.Status != tt.wantStatus {
				t.Fatalf("status = %v, want %v (message %q)", h.Status, tt.wantStatus, h.Message)
			}
			for _, want := range tt.wantMessage {
				if !strings.Contains(h.Message, want) {
					t.Errorf("message %q does not mention %q", h.Message, want)
				}
			}
			if tt.wantDetails == nil {
				return
			}
			var details map[string]any
			if err := json.Unmarshal(h.JsonDetails, &details); err != nil {
				t.Fatalf("details %q: %v", h.JsonDetails, err)
			}
			for k, want := range tt.wantDetails {
				if details[k] != want {
					t.Errorf("details[%s] = %v, want %v", k, details[k], want)
				}
			}
			if free, _ := details["freeBytes"].(float64); free <= 0 {
				t.Errorf("freeBytes = %v, want the real free space", details["freeBytes"])
			}
		})
	}
}

func TestQueryErrorsArePerQuery(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	res := ds.Query(t,
		harness.Query{RefID: "unknown", JSON: `{"queryType":"nonsense"}`},
		harness.Query{RefID: "broken", JSON: `{"queryType":`},
		harness.Query{RefID: "badkey", JSON: `{"queryType":"logs","limt":5}`},
		harness.Query{RefID: "syntax", JSON: `{"queryType":"logs","query":"service: AND x"}`},
		harness.Query{RefID: "variable", JSON: `{"queryType":"logs","query":"service:$service"}`},
		harness.Query{RefID: "index", JSON: `{"queryType":"logs","index":"nosuch"}`},
		harness.Query{RefID: "heatmap", JSON: `{"queryType":"heatmap","query":"*"}`},
		harness.Query{RefID: "ok", JSON: `{"query":"*"}`},
	)
	tests := []struct {
		refID  string
		status int32
		want   []string
	}{
		{"unknown", 400, []string{"queryType must be one of", "got 'nonsense'"}},
		{"broken", 400, []string{"must be a JSON object"}},
		{"badkey", 400, []string{"unknown key 'limt'"}},
		{"syntax", 400, []string{"expected a value after 'service:'", "column"}},
		{"variable", 400, []string{"unresolved template variable $service"}},
		{"index", 404, []string{"nosuch"}},
		{"heatmap", 400, []string{"heatmap query needs heatmap.field"}},
	}
	for _, tt := range tests {
		r, ok := res[tt.refID]
		if !ok {
			t.Fatalf("no response for %s", tt.refID)
		}
		if r.Status != tt.status || len(r.Frames) != 0 {
			t.Errorf("%s: status %d with %d frames (%s), want %d and no frames", tt.refID, r.Status, len(r.Frames), r.Error, tt.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.Error, w) {
				t.Errorf("%s: error %q does not mention %q", tt.refID, r.Error, w)
			}
		}
	}
	// A query without queryType is a logs query, and one failing query did not fail it.
	if ok := res["ok"]; ok.Error != "" || len(ok.Frames) != 1 || ok.Frames[0].Meta.Type != "log-lines" {
		t.Errorf("query without queryType: %q %v, want an empty logs frame", ok.Error, ok.Frames)
	}
}

func TestQueryWithInvalidSettingsNamesTheSetting(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "retention": "30x", "ingestListen": ""}, nil)
	r := ds.Query(t, harness.Query{RefID: "A", JSON: `{"queryType":"logs"}`})["A"]
	if r.Status != 400 || !strings.Contains(r.Error, "retention") {
		t.Fatalf("got status %d error %q, want 400 naming retention", r.Status, r.Error)
	}
}

func TestRequestOverTheMessageLimitIsRefusedClearly(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	huge := `{"queryType":"logs","query":"` + strings.Repeat("a", 17<<20) + `"}`
	_, err := ds.QueryErr(harness.Query{RefID: "A", JSON: huge})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("error = %v, want ResourceExhausted", err)
	}
	if !strings.Contains(err.Error(), "larger than max") {
		t.Errorf("error %q does not say the message is larger than the limit", err)
	}
	// The plugin keeps serving after refusing the message.
	if h := ds.Health(t); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health after refusal = %v %q", h.Status, h.Message)
	}
}

func TestUnknownResourceIs404(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	r := ds.Resource(t, "GET", "no/such/thing", nil)
	if r.Status != 404 {
		t.Fatalf("status = %d, want 404", r.Status)
	}
	var body map[string]string
	if err := json.Unmarshal(r.Body, &body); err != nil || !strings.Contains(body["error"], "no/such/thing") {
		t.Fatalf("body = %s (%v), want an error naming the path", r.Body, err)
	}
}

func TestSubscribeToUnknownStreamIsRefused(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	if r := ds.Subscribe(t, "no/such/stream", nil); r.Status != pluginv2.SubscribeStreamResponse_NOT_FOUND {
		t.Fatalf("status = %v, want NOT_FOUND", r.Status)
	}
}
