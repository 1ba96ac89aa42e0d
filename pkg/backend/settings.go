package backend

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one remote request when Settings.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Settings says which store answers queries and how to reach it. The plugin
// fills it from the datasource's jsonData (kind, URL, TLS switches,
// timeout, field names) and secureJsonData (passwords, tokens, keys).
type Settings struct {
	// Kind is KindEmbedded (the default when empty), KindQuickwit or
	// KindVictoriaLogs.
	Kind string
	// URL is the remote store's base URL (Grafana's datasource URL field),
	// e.g. http://quickwit:7280 or http://vlselect:9471.
	URL string
	// BasicAuthUser and BasicAuthPassword, or BearerToken, authenticate
	// every remote request; at most one of the two.
	BasicAuthUser     string
	BasicAuthPassword string
	BearerToken       string
	TLS               TLSSettings
	// Timeout bounds each remote request, retries included (default 30 s).
	Timeout time.Duration
	// VictoriaLogs: how its reserved fields map onto the index's fields.
	VictoriaLogs VictoriaLogsSettings
}

// TLSSettings configures HTTPS to the remote store. PEM values come from
// secureJsonData.
type TLSSettings struct {
	// SkipVerify accepts any server certificate: for tests only.
	SkipVerify bool
	// ServerName overrides the name the certificate must carry.
	ServerName string
	// CACertPEM trusts this CA besides the system's.
	CACertPEM string
	// ClientCertPEM and ClientKeyPEM enable mutual TLS, both or neither.
	ClientCertPEM string
	ClientKeyPEM  string
}

// VictoriaLogsSettings maps VictoriaLogs' reserved fields (_time, _msg)
// onto the names dashboards use, and picks the tenant.
type VictoriaLogsSettings struct {
	// TimestampField and MessageField name _time and _msg in queries and
	// results (defaults "timestamp" and "message").
	TimestampField string
	MessageField   string
	// LevelField is the field logs volume and severity read (default "severity").
	LevelField string
	// TextFields are matched by words, case-insensitively, like a
	// tokenized text field; every other field matches whole values
	// (default: the message field only).
	TextFields []string
	// AccountID and ProjectID select the tenant (default 0:0).
	AccountID string
	ProjectID string
}

// Validate checks the settings and fills defaults; every problem is
// reported, each naming the setting and what to change.
func (s *Settings) Validate() error {
	var problems []error
	if s.Kind == "" {
		s.Kind = KindEmbedded
	}
	switch s.Kind {
	case KindEmbedded:
		return nil
	case KindQuickwit, KindVictoriaLogs:
	default:
		return fmt.Errorf("backend %q is not one of %s, %s or %s", s.Kind, KindEmbedded, KindQuickwit, KindVictoriaLogs)
	}
	if s.URL == "" {
		problems = append(problems, fmt.Errorf("the %s backend needs the URL of the cluster, e.g. http://%s", s.Kind, exampleHost(s.Kind)))
	} else if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Errorf("URL %q must be an http:// or https:// address with a host, e.g. http://%s", s.URL, exampleHost(s.Kind)))
	} else {
		s.URL = strings.TrimRight(s.URL, "/")
	}
	if s.BearerToken != "" && (s.BasicAuthUser != "" || s.BasicAuthPassword != "") {
		problems = append(problems, errors.New("set either basic auth (user and password) or a bearer token, not both"))
	}
	if (s.TLS.ClientCertPEM == "") != (s.TLS.ClientKeyPEM == "") {
		problems = append(problems, errors.New("TLS client authentication needs both the client certificate and its key"))
	}
	if s.Timeout < 0 {
		problems = append(problems, fmt.Errorf("timeout %s must not be negative", s.Timeout))
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	vl := &s.VictoriaLogs
	if vl.TimestampField == "" {
		vl.TimestampField = "timestamp"
	}
	if vl.MessageField == "" {
		vl.MessageField = "message"
	}
	if vl.LevelField == "" {
		vl.LevelField = "severity"
	}
	if len(vl.TextFields) == 0 {
		vl.TextFields = []string{vl.MessageField}
	}
	return errors.Join(problems...)
}

func exampleHost(kind string) string {
	if kind == KindVictoriaLogs {
		return "vlselect:9471"
	}
	return "quickwit-searcher:7280"
}
