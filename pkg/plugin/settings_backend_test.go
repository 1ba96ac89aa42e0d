package plugin

import (
	"reflect"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	logstore "github.com/triage-logs/triage/pkg/backend"
)

func TestParseBackendSettings(t *testing.T) {
	t.Setenv("GF_PATHS_DATA", "/var/lib/grafana")
	tests := []struct {
		name     string
		url      string
		basic    bool
		user     string
		jsonData string
		secure   map[string]string
		want     logstore.Settings
		wantErr  []string
	}{
		{
			name:     "quickwit with bearer token, TLS and a timeout",
			url:      "https://quickwit.example:7280/",
			jsonData: `{"backend":"quickwit","tlsSkipVerify":true,"serverName":"qw","tlsAuthWithCACert":true,"tlsAuth":true,"timeout":12,"dataDir":"/ignored","ingestListen":"0.0.0.0:1"}`,
			secure:   map[string]string{"bearerToken": "tok", "tlsCACert": "CA", "tlsClientCert": "CERT", "tlsClientKey": "KEY"},
			want: logstore.Settings{Kind: "quickwit", URL: "https://quickwit.example:7280", BearerToken: "tok", Timeout: 12 * time.Second,
				TLS:          logstore.TLSSettings{SkipVerify: true, ServerName: "qw", CACertPEM: "CA", ClientCertPEM: "CERT", ClientKeyPEM: "KEY"},
				VictoriaLogs: logstore.VictoriaLogsSettings{TimestampField: "timestamp", MessageField: "message", LevelField: "severity", TextFields: []string{"message"}}},
		},
		{
			name:     "victorialogs with basic auth, field names and a tenant",
			url:      "http://vlselect:9471",
			basic:    true,
			user:     "grafana",
			jsonData: `{"backend":"victorialogs","timeout":"2.5","victoriaLogs":{"timestampField":"ts","messageField":"msg","levelField":"level","textFields":["msg","error"],"accountId":12,"projectId":"3"}}`,
			secure:   map[string]string{"basicAuthPassword": "pw"},
			want: logstore.Settings{Kind: "victorialogs", URL: "http://vlselect:9471", BasicAuthUser: "grafana", BasicAuthPassword: "pw", Timeout: 2500 * time.Millisecond,
				VictoriaLogs: logstore.VictoriaLogsSettings{TimestampField: "ts", MessageField: "msg", LevelField: "level", TextFields: []string{"msg", "error"}, AccountID: "12", ProjectID: "3"}},
		},
		{
			name:     "a password without basic auth switched on is not sent; timeout 0 is the default",
			url:      "http://vlselect:9471",
			jsonData: `{"backend":"victorialogs","timeout":0}`,
			secure:   map[string]string{"basicAuthPassword": "pw"},
			want: logstore.Settings{Kind: "victorialogs", URL: "http://vlselect:9471", Timeout: logstore.DefaultTimeout,
				VictoriaLogs: logstore.VictoriaLogsSettings{TimestampField: "timestamp", MessageField: "message", LevelField: "severity", TextFields: []string{"message"}}},
		},
		{name: "unknown backend", jsonData: `{"backend":"loki"}`, wantErr: []string{`backend "loki" is not one of embedded, quickwit or victorialogs`}},
		{name: "remote without a URL", jsonData: `{"backend":"quickwit"}`, wantErr: []string{"needs the URL of the cluster"}},
		{name: "URL without a scheme", url: "quickwit:7280", jsonData: `{"backend":"quickwit"}`, wantErr: []string{`URL "quickwit:7280" must be an http:// or https:// address`}},
		{name: "basic auth without a user", url: "http://q:7280", basic: true, jsonData: `{"backend":"quickwit"}`, wantErr: []string{"basic auth user is empty"}},
		{name: "basic auth and a bearer token", url: "http://q:7280", basic: true, user: "u", jsonData: `{"backend":"quickwit"}`,
			secure: map[string]string{"bearerToken": "t"}, wantErr: []string{"either basic auth", "or a bearer token"}},
		{name: "CA switched on but empty", url: "http://q:7280", jsonData: `{"backend":"quickwit","tlsAuthWithCACert":true}`, wantErr: []string{"secureJsonData.tlsCACert is empty"}},
		{name: "client auth without its key", url: "http://q:7280", jsonData: `{"backend":"quickwit","tlsAuth":true}`,
			secure: map[string]string{"tlsClientCert": "C"}, wantErr: []string{"tlsClientCert or tlsClientKey is empty"}},
		{name: "negative timeout", url: "http://q:7280", jsonData: `{"backend":"quickwit","timeout":-1}`, wantErr: []string{"timeout -1 must be a number of seconds"}},
		{name: "timeout not a number", url: "http://q:7280", jsonData: `{"backend":"quickwit","timeout":"soon"}`, wantErr: []string{"jsonData is not valid", "number of seconds"}},
		{name: "tenant not a number", url: "http://v:9471", jsonData: `{"backend":"victorialogs","victoriaLogs":{"accountId":"team-a"}}`,
			wantErr: []string{`victoriaLogs.accountId "team-a" must be a whole number`}},
		{name: "every problem at once", jsonData: `{"backend":"quickwit","timeout":0.5,"defaultIndex":"../x"}`,
			wantErr: []string{"needs the URL", "timeout 0.5", "defaultIndex"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSettings(backend.DataSourceInstanceSettings{UID: "ds1", URL: tt.url, BasicAuthEnabled: tt.basic, BasicAuthUser: tt.user,
				JSONData: []byte(tt.jsonData), DecryptedSecureJSONData: tt.secure})
			if settingsErrorExpected(t, err, tt.wantErr) {
				return
			}
			if !reflect.DeepEqual(got.Backend, tt.want) {
				t.Errorf("got %+v\nwant %+v", got.Backend, tt.want)
			}
			if got.DataDir != "" || got.IngestListen != "" || !got.Remote() {
				t.Errorf("a remote backend keeps dataDir %q and ingestListen %q; it has no local store", got.DataDir, got.IngestListen)
			}
		})
	}
}
