package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// ID is the plugin id; it must equal src/plugin.json's id.
const ID = "triage-logs-datasource"

// Defaults for settings a user leaves empty.
const (
	DefaultIndex        = "logs"
	DefaultIngestListen = "127.0.0.1:7280"
	DefaultRetention    = 30 * 24 * time.Hour
)

// Settings is the typed form of a datasource's jsonData and secureJsonData,
// parsed and validated once per instance.
type Settings struct {
	// DataDir holds the engine's files for this datasource.
	DataDir      string
	DefaultIndex string
	// Retention is how long events are kept; RetentionText is what the user wrote.
	Retention     time.Duration
	RetentionText string
	// IngestListen is the address of the instance's ingest listener; empty disables it.
	IngestListen string
	// IngestToken, from secureJsonData, is the bearer token ingest clients must send.
	IngestToken string
	// MessageField and LevelField override the index's log settings.
	MessageField string
	LevelField   string
	// DataLinks link log fields to URLs or trace datasources.
	DataLinks []DataLinkSetting
	// Backend says which store answers queries: the embedded engine (in
	// DataDir), or a Quickwit or VictoriaLogs cluster, which leaves DataDir
	// and IngestListen empty: ingest goes to the cluster.
	Backend logstore.Settings
}

// jsonSettings mirrors jsonData; pointers tell "absent" from "empty" where
// the two mean different things (an empty ingestListen disables ingest).
type jsonSettings struct {
	DataDir      string            `json:"dataDir"`
	DefaultIndex string            `json:"defaultIndex"`
	Retention    string            `json:"retention"`
	IngestListen *string           `json:"ingestListen"`
	MessageField string            `json:"messageField"`
	LevelField   string            `json:"levelField"`
	DataLinks    []DataLinkSetting `json:"dataLinks"`
	jsonBackendSettings
}

var indexIDPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9._-]{0,254}$`)

// ParseSettings reads and validates a datasource's settings. Every problem is
// reported, each naming the key and what to change.
func ParseSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	var raw jsonSettings
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &raw); err != nil {
			return Settings{}, fmt.Errorf("jsonData is not valid: %w", err)
		}
	}
	out := Settings{
		DataDir:       strings.TrimSpace(raw.DataDir),
		DefaultIndex:  strings.TrimSpace(raw.DefaultIndex),
		RetentionText: strings.TrimSpace(raw.Retention),
		IngestListen:  DefaultIngestListen,
		IngestToken:   s.DecryptedSecureJSONData["ingestToken"],
		MessageField:  strings.TrimSpace(raw.MessageField),
		LevelField:    strings.TrimSpace(raw.LevelField),
		DataLinks:     raw.DataLinks,
	}
	if raw.IngestListen != nil {
		out.IngestListen = strings.TrimSpace(*raw.IngestListen)
	}
	var problems []error
	out.Backend, problems = parseBackendSettings(s, raw.jsonBackendSettings)
	if out.Remote() {
		// The cluster stores, retains and ingests: the local keys do not apply.
		out.DataDir, out.IngestListen, out.IngestToken, out.RetentionText = "", "", "", ""
	} else if out.DataDir == "" {
		out.DataDir = defaultDataDir(s.UID)
	} else if !filepath.IsAbs(out.DataDir) {
		problems = append(problems, fmt.Errorf("dataDir %q must be an absolute path", out.DataDir))
	}
	if out.DefaultIndex == "" {
		out.DefaultIndex = DefaultIndex
	} else if !indexIDPattern.MatchString(out.DefaultIndex) {
		problems = append(problems, fmt.Errorf("defaultIndex %q must start with a letter and hold only letters, digits, '.', '_' and '-' (at most 255)", out.DefaultIndex))
	}
	if !out.Remote() {
		out.Retention = DefaultRetention
	}
	if out.RetentionText != "" {
		d, err := ParseRetention(out.RetentionText)
		if err != nil {
			problems = append(problems, fmt.Errorf("retention: %w", err))
		}
		out.Retention = d
	}
	if out.IngestListen != "" {
		if _, port, err := net.SplitHostPort(out.IngestListen); err != nil {
			problems = append(problems, fmt.Errorf("ingestListen %q must be host:port, e.g. 127.0.0.1:7280 (empty disables ingest over HTTP)", out.IngestListen))
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			problems = append(problems, fmt.Errorf("ingestListen %q has an invalid port", out.IngestListen))
		}
	}
	for i, l := range out.DataLinks {
		if err := l.validate(i); err != nil {
			problems = append(problems, err)
		}
	}
	if err := errors.Join(problems...); err != nil {
		return out, fmt.Errorf("invalid datasource settings: %w", err)
	}
	return out, nil
}

// defaultDataDir places the store under Grafana's data path when Grafana
// exports it, else under the OS cache directory, one directory per datasource.
func defaultDataDir(uid string) string {
	if uid == "" {
		uid = "default"
	}
	return filepath.Join(pluginDataBase(), "triage", uid)
}

// pluginDataBase is where the plugin keeps its files: Grafana's data path
// (GF_PATHS_DATA, set in Grafana's images and inherited by plugins), else
// the OS cache directory.
func pluginDataBase() string {
	if base := os.Getenv("GF_PATHS_DATA"); base != "" {
		return base
	}
	if cache, err := os.UserCacheDir(); err == nil {
		return cache
	}
	return os.TempDir()
}

// ParseRetention reads a retention period as index configs do (`30d`,
// `12h`, `2w`, Quickwit's `30 days`) and keeps it between an hour and a
// century: a shorter one would delete data as it arrives.
func ParseRetention(text string) (time.Duration, error) {
	d, err := engine.ParseRetentionPeriod(text)
	if err != nil {
		return 0, err
	}
	if d < time.Hour || d > 100*365*24*time.Hour {
		return 0, fmt.Errorf("%q must be between 1 hour and 100 years", text)
	}
	return d, nil
}
