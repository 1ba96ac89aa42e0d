package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	logstore "github.com/triage-logs/triage/pkg/backend"
)

// jsonBackendSettings are the jsonData keys that choose and reach the store
// answering queries. The config editor writes exactly these names; the URL
// and basic auth user are Grafana's standard datasource fields.
type jsonBackendSettings struct {
	Backend           string                 `json:"backend"`
	TLSSkipVerify     bool                   `json:"tlsSkipVerify"`
	ServerName        string                 `json:"serverName"`
	TLSAuthWithCACert bool                   `json:"tlsAuthWithCACert"`
	TLSAuth           bool                   `json:"tlsAuth"`
	Timeout           *flexNumber            `json:"timeout"`
	VictoriaLogs      *jsonVictoriaLogsStore `json:"victoriaLogs"`
}

// jsonVictoriaLogsStore is jsonData.victoriaLogs.
type jsonVictoriaLogsStore struct {
	TimestampField string     `json:"timestampField"`
	MessageField   string     `json:"messageField"`
	LevelField     string     `json:"levelField"`
	TextFields     []string   `json:"textFields"`
	AccountID      flexString `json:"accountId"`
	ProjectID      flexString `json:"projectId"`
}

// flexNumber reads a number that an editor may have stored as a string.
type flexNumber float64

func (n *flexNumber) UnmarshalJSON(raw []byte) error {
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		*n = flexNumber(f)
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("want a number of seconds, got %s", raw)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("want a number of seconds, got %q", s)
	}
	*n = flexNumber(f)
	return nil
}

// flexString reads a tenant id written as a string or a number.
type flexString string

func (s *flexString) UnmarshalJSON(raw []byte) error {
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		*s = flexString(strings.TrimSpace(str))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return fmt.Errorf("want a tenant id such as \"0\", got %s", raw)
	}
	*s = flexString(n.String())
	return nil
}

// parseBackendSettings reads which store answers queries and how to reach
// it. Problems name the key to change; Validate (filling defaults) runs in
// connect.Open, but is run here too so health reports every problem at once.
func parseBackendSettings(s backend.DataSourceInstanceSettings, raw jsonBackendSettings) (logstore.Settings, []error) {
	secure := s.DecryptedSecureJSONData
	out := logstore.Settings{
		Kind:        strings.ToLower(strings.TrimSpace(raw.Backend)),
		URL:         strings.TrimSpace(s.URL),
		BearerToken: secure["bearerToken"],
	}
	if out.Kind == "" {
		out.Kind = logstore.KindEmbedded
	}
	if out.Kind == logstore.KindEmbedded {
		return out, nil
	}
	var problems []error
	if s.BasicAuthEnabled {
		out.BasicAuthUser, out.BasicAuthPassword = s.BasicAuthUser, secure["basicAuthPassword"]
		if out.BasicAuthUser == "" {
			problems = append(problems, errors.New("basic auth is on but the basic auth user is empty: set the user, or turn basic auth off"))
		}
	}
	out.TLS = logstore.TLSSettings{SkipVerify: raw.TLSSkipVerify, ServerName: strings.TrimSpace(raw.ServerName)}
	if raw.TLSAuthWithCACert {
		if out.TLS.CACertPEM = secure["tlsCACert"]; strings.TrimSpace(out.TLS.CACertPEM) == "" {
			problems = append(problems, errors.New("tlsAuthWithCACert is on but secureJsonData.tlsCACert is empty: paste the CA certificate (PEM), or turn it off"))
		}
	}
	if raw.TLSAuth {
		out.TLS.ClientCertPEM, out.TLS.ClientKeyPEM = secure["tlsClientCert"], secure["tlsClientKey"]
		if strings.TrimSpace(out.TLS.ClientCertPEM) == "" || strings.TrimSpace(out.TLS.ClientKeyPEM) == "" {
			problems = append(problems, errors.New("tlsAuth is on but secureJsonData.tlsClientCert or tlsClientKey is empty: paste both (PEM), or turn TLS client auth off"))
		}
	}
	// An editor may store 0 for a cleared field: that is the default too.
	if raw.Timeout != nil && *raw.Timeout != 0 {
		secs := float64(*raw.Timeout)
		if secs < 1 || secs > 3600 || math.IsNaN(secs) {
			problems = append(problems, fmt.Errorf("timeout %v must be a number of seconds between 1 and 3600 (empty or 0: %s)", secs, logstore.DefaultTimeout))
		} else {
			out.Timeout = time.Duration(secs * float64(time.Second))
		}
	}
	if vl := raw.VictoriaLogs; vl != nil {
		out.VictoriaLogs = logstore.VictoriaLogsSettings{
			TimestampField: strings.TrimSpace(vl.TimestampField), MessageField: strings.TrimSpace(vl.MessageField),
			LevelField: strings.TrimSpace(vl.LevelField), AccountID: string(vl.AccountID), ProjectID: string(vl.ProjectID),
		}
		for _, f := range vl.TextFields {
			if f = strings.TrimSpace(f); f != "" {
				out.VictoriaLogs.TextFields = append(out.VictoriaLogs.TextFields, f)
			}
		}
		for _, t := range [...]struct{ key, id string }{{"accountId", out.VictoriaLogs.AccountID}, {"projectId", out.VictoriaLogs.ProjectID}} {
			if _, err := strconv.ParseUint(t.id, 10, 32); t.id != "" && err != nil {
				problems = append(problems, fmt.Errorf("victoriaLogs.%s %q must be a whole number (VictoriaLogs tenants are numbers, default 0)", t.key, t.id))
			}
		}
	}
	if err := out.Validate(); err != nil {
		problems = append(problems, err)
	}
	return out, problems
}

// Remote reports whether a cluster answers queries, so the datasource has
// no local store, data directory or ingest listener.
func (s Settings) Remote() bool {
	return s.Backend.Kind != "" && s.Backend.Kind != logstore.KindEmbedded
}
