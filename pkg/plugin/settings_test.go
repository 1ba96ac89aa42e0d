package plugin

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestParseSettings(t *testing.T) {
	t.Setenv("GF_PATHS_DATA", "/var/lib/grafana")
	tests := []struct {
		name     string
		jsonData string
		secure   map[string]string
		want     Settings
		wantErr  []string
	}{
		{
			name:     "defaults",
			jsonData: `{}`,
			want: Settings{DataDir: "/var/lib/grafana/triage/ds1", DefaultIndex: "logs", Retention: 30 * 24 * time.Hour,
				IngestListen: "127.0.0.1:7280"},
		},
		{
			name:     "no jsonData at all",
			jsonData: ``,
			want: Settings{DataDir: "/var/lib/grafana/triage/ds1", DefaultIndex: "logs", Retention: 30 * 24 * time.Hour,
				IngestListen: "127.0.0.1:7280"},
		},
		{
			name:     "everything set",
			jsonData: `{"dataDir":"/data/triage","defaultIndex":"app.logs-2","retention":"2w","ingestListen":"0.0.0.0:9000"}`,
			secure:   map[string]string{"ingestToken": "tok"},
			want: Settings{DataDir: "/data/triage", DefaultIndex: "app.logs-2", Retention: 14 * 24 * time.Hour, RetentionText: "2w",
				IngestListen: "0.0.0.0:9000", IngestToken: "tok"},
		},
		{
			name:     "empty ingestListen disables ingest",
			jsonData: `{"ingestListen":""}`,
			want: Settings{DataDir: "/var/lib/grafana/triage/ds1", DefaultIndex: "logs", Retention: 30 * 24 * time.Hour,
				IngestListen: ""},
		},
		{
			name:     "Quickwit's long retention form",
			jsonData: `{"retention":"30 days"}`,
			want: Settings{DataDir: "/var/lib/grafana/triage/ds1", DefaultIndex: "logs", Retention: 30 * 24 * time.Hour,
				RetentionText: "30 days", IngestListen: "127.0.0.1:7280"},
		},
		{name: "relative dataDir", jsonData: `{"dataDir":"data"}`, wantErr: []string{`dataDir "data" must be an absolute path`}},
		{name: "path tricks in defaultIndex", jsonData: `{"defaultIndex":"../x"}`, wantErr: []string{`defaultIndex "../x"`}},
		{name: "unknown retention unit", jsonData: `{"retention":"3 fortnights"}`, wantErr: []string{"unknown unit"}},
		{name: "zero retention", jsonData: `{"retention":"0d"}`, wantErr: []string{"must be positive"}},
		{name: "retention under an hour", jsonData: `{"retention":"30 minutes"}`, wantErr: []string{"between 1 hour and 100 years"}},
		{name: "listen without port", jsonData: `{"ingestListen":"localhost"}`, wantErr: []string{"must be host:port"}},
		{name: "listen with bad port", jsonData: `{"ingestListen":"localhost:99999"}`, wantErr: []string{"invalid port"}},
		{name: "wrong type", jsonData: `{"retention":30}`, wantErr: []string{"jsonData is not valid"}},
		{
			name:     "all problems at once",
			jsonData: `{"dataDir":"rel","defaultIndex":"-x","retention":"soon","ingestListen":"nope"}`,
			wantErr:  []string{"dataDir", "defaultIndex", "retention", "ingestListen"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSettings(backend.DataSourceInstanceSettings{UID: "ds1", JSONData: []byte(tt.jsonData), DecryptedSecureJSONData: tt.secure})
			if settingsErrorExpected(t, err, tt.wantErr) {
				return
			}
			if tt.want.Backend.Kind == "" {
				tt.want.Backend.Kind = "embedded" // the default when jsonData.backend is absent
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDefaultDataDirWithoutGrafanaDataPath(t *testing.T) {
	t.Setenv("GF_PATHS_DATA", "")
	dir := defaultDataDir("abc")
	if !filepath.IsAbs(dir) || !strings.HasSuffix(dir, filepath.Join("triage", "abc")) {
		t.Fatalf("defaultDataDir = %q, want an absolute path ending in triage/abc", dir)
	}
}

func FuzzParseRetention(f *testing.F) {
	for _, s := range []string{"30d", "30 days", "12h", "2w", "0d", "1y", "", "999999999999999999999d", "7 Weeks"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, err := ParseRetention(text)
		if err == nil && (d < time.Hour || d > 100*365*24*time.Hour) {
			t.Fatalf("ParseRetention(%q) = %v, outside 1h..100y without an error", text, d)
		}
	})
}

// settingsErrorExpected checks ParseSettings' error against the phrases a
// case wants it to mention (each problem is named), or that there is none;
// it says whether an error was expected, which ends the case.
func settingsErrorExpected(t *testing.T, err error, want []string) bool {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return false
	}
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	return true
}
