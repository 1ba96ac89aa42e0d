package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	logstore "github.com/triage-logs/triage/pkg/backend"
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
	// Backend names the store answering queries, its version and reachability.
	Backend      logstore.Health `json:"backend"`
	DataDir      string          `json:"dataDir"`
	FreeBytes    uint64          `json:"freeBytes"`
	TotalBytes   uint64          `json:"totalBytes"`
	DefaultIndex string          `json:"defaultIndex"`
	Retention    string          `json:"retention"`
	IngestListen string          `json:"ingestListen"`
	IngestBound  string          `json:"ingestBound,omitempty"`
	IngestAuth   string          `json:"ingestAuth"`
	Indexes      []indexHealth   `json:"indexes"`
	Warnings     []string        `json:"warnings,omitempty"`
}

// indexHealth is one index's line in the health details.
type indexHealth struct {
	ID          string `json:"id"`
	Events      int64  `json:"events"`
	Splits      int    `json:"splits"`
	LastEventAt string `json:"lastEventAt,omitempty"`
	// Merges counts merges of small splits since the store opened.
	Merges int64 `json:"merges"`
	// CorruptSplits failed their checksums and were set aside.
	CorruptSplits []string `json:"corruptSplits,omitempty"`
}

// CheckHealth reports the real state of the instance: settings, then for
// the embedded store the data directory and free disk, for a remote one
// the cluster's answer. It never answers OK without having checked.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.setupErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.setupErr.Error()}, nil
	}
	if d.settings.Remote() {
		return d.checkRemoteHealth(ctx)
	}
	eng, err := d.engine()
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	s := d.settings
	disk, err := checkDataDir(s.DataDir)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	details := healthDetails{
		Backend:      d.store.Health(ctx),
		DataDir:      s.DataDir,
		FreeBytes:    disk.FreeBytes,
		TotalBytes:   disk.TotalBytes,
		DefaultIndex: s.DefaultIndex,
		Retention:    s.Retention.String(),
		IngestListen: s.IngestListen,
		IngestAuth:   ingestAuthMode(s),
	}
	events := int64(0)
	for _, id := range eng.ListIndexes() {
		_, stats, err := eng.DescribeIndex(id)
		if err != nil {
			continue // deleted since ListIndexes
		}
		ih := indexHealth{ID: id, Events: stats.Events, Splits: stats.Splits, CorruptSplits: stats.CorruptSplits}
		ih.Merges = stats.Merges
		if stats.LastMergeError != "" {
			details.Warnings = append(details.Warnings, fmt.Sprintf("index %s: merging small splits failed (%d times, retried every minute): %s",
				id, stats.MergeFailures, stats.LastMergeError))
		}
		if len(stats.CorruptSplits) > 0 {
			details.Warnings = append(details.Warnings, fmt.Sprintf("index %s: %d damaged splits were set aside and are not searched (%s)",
				id, len(stats.CorruptSplits), strings.Join(stats.CorruptSplits, ", ")))
		}
		if stats.MaxTime != 0 {
			ih.LastEventAt = time.Unix(0, stats.MaxTime).UTC().Format(time.RFC3339)
		}
		events += stats.Events
		details.Indexes = append(details.Indexes, ih)
	}
	status := backend.HealthStatusOk
	switch {
	case disk.FreeBytes < criticalDiskBytes:
		status = backend.HealthStatusError
		details.Warnings = append(details.Warnings, fmt.Sprintf("only %s free on the data directory's disk: ingest will fail", formatBytes(disk.FreeBytes)))
	case disk.FreeBytes < lowDiskBytes:
		details.Warnings = append(details.Warnings, fmt.Sprintf("only %s free on the data directory's disk", formatBytes(disk.FreeBytes)))
	}
	switch {
	case d.listenErr != nil:
		status = backend.HealthStatusError
		details.Warnings = append(details.Warnings, "the ingest listener is not running: "+d.listenErr.Error())
	case d.listener != nil:
		details.IngestBound = d.listener.l.Addr
		if d.listener.l.Warning != "" {
			details.Warnings = append(details.Warnings, d.listener.l.Warning)
		} else if s.IngestToken == "" {
			details.Warnings = append(details.Warnings, "no ingest token is set: the ingest listener accepts only loopback clients")
		}
	}
	if d.rememberErr != nil {
		details.Warnings = append(details.Warnings, "the ingest listener will come up after a restart only once Grafana uses this datasource: "+d.rememberErr.Error())
	}
	engineName := "embedded engine"
	if v := details.Backend.Version; v != "" {
		engineName += " " + v
	}
	msg := fmt.Sprintf("Triage is ready (%s): %d events in %d indexes, data directory %s (%s free)", engineName, events, len(details.Indexes), s.DataDir, formatBytes(disk.FreeBytes))
	if details.IngestBound != "" {
		msg += ", ingest on " + details.IngestBound
	}
	if status == backend.HealthStatusError {
		msg = "Triage cannot accept data"
	}
	return healthResult(status, msg, details.Warnings, details)
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

// healthResult is the answer of a health check, embedded or remote: the
// message with its warnings appended, and the details as JSON for the
// config page.
func healthResult(status backend.HealthStatus, msg string, warnings []string, details any) (*backend.CheckHealthResult, error) {
	if len(warnings) > 0 {
		msg += ". Warnings: " + strings.Join(warnings, "; ")
	}
	body, err := json.Marshal(details)
	if err != nil {
		return nil, fmt.Errorf("encode health details: %w", err)
	}
	return &backend.CheckHealthResult{Status: status, Message: msg, JSONDetails: body}, nil
}
