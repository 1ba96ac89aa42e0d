package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Free-space thresholds: below lowDiskBytes health warns, below
// criticalDiskBytes it fails, because ingest will soon be refused.
const (
	lowDiskBytes      = 1 << 30
	criticalDiskBytes = 100 << 20
)

// healthDetails is the machine-readable part of a health check, shown by
// Grafana under the message and read by tests.
type healthDetails struct {
	DataDir      string   `json:"dataDir"`
	FreeBytes    uint64   `json:"freeBytes"`
	TotalBytes   uint64   `json:"totalBytes"`
	DefaultIndex string   `json:"defaultIndex"`
	Retention    string   `json:"retention"`
	IngestListen string   `json:"ingestListen"`
	IngestAuth   string   `json:"ingestAuth"`
	Warnings     []string `json:"warnings,omitempty"`
}

// CheckHealth reports the real state of the instance: settings, the data
// directory and free disk. It never answers OK without having checked.
func (d *Datasource) CheckHealth(_ context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.settingsErr.Error()}, nil
	}
	s := d.settings
	disk, err := checkDataDir(s.DataDir)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	details := healthDetails{
		DataDir:      s.DataDir,
		FreeBytes:    disk.FreeBytes,
		TotalBytes:   disk.TotalBytes,
		DefaultIndex: s.DefaultIndex,
		Retention:    s.Retention.String(),
		IngestListen: s.IngestListen,
		IngestAuth:   ingestAuthMode(s),
	}
	status := backend.HealthStatusOk
	switch {
	case disk.FreeBytes < criticalDiskBytes:
		status = backend.HealthStatusError
		details.Warnings = append(details.Warnings, fmt.Sprintf("only %s free on the data directory's disk: ingest will fail", formatBytes(disk.FreeBytes)))
	case disk.FreeBytes < lowDiskBytes:
		details.Warnings = append(details.Warnings, fmt.Sprintf("only %s free on the data directory's disk", formatBytes(disk.FreeBytes)))
	}
	if s.IngestListen != "" && s.IngestToken == "" {
		details.Warnings = append(details.Warnings, "no ingest token is set: the ingest listener accepts only loopback clients")
	}
	msg := fmt.Sprintf("Triage is ready: data directory %s (%s free)", s.DataDir, formatBytes(disk.FreeBytes))
	if status == backend.HealthStatusError {
		msg = "Triage cannot accept data"
	}
	if len(details.Warnings) > 0 {
		msg += "; " + strings.Join(details.Warnings, "; ")
	}
	body, err := json.Marshal(details)
	if err != nil {
		return nil, fmt.Errorf("encode health details: %w", err)
	}
	return &backend.CheckHealthResult{Status: status, Message: msg, JSONDetails: body}, nil
}

// ingestAuthMode names how the ingest listener authenticates clients.
func ingestAuthMode(s Settings) string {
	switch {
	case s.IngestListen == "":
		return "disabled"
	case s.IngestToken != "":
		return "bearer token"
	default:
		return "loopback only, no token"
	}
}
