package plugin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// remoteHealthTimeout bounds a health check of a cluster: the settings page
// must answer even when the URL leads nowhere.
const remoteHealthTimeout = 15 * time.Second

// remoteHealthDetails is the machine-readable part of a remote check.
type remoteHealthDetails struct {
	Backend      logstore.Health `json:"backend"`
	DefaultIndex string          `json:"defaultIndex"`
	// TimestampField, MessageField and LevelField are how the default index
	// is read, as the cluster describes it.
	TimestampField string `json:"timestampField,omitempty"`
	MessageField   string `json:"messageField,omitempty"`
	LevelField     string `json:"levelField,omitempty"`
	// CommitDelay is how far live tail lags (Quickwit's commit timeout).
	CommitDelay string   `json:"commitDelay,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
}

// checkRemoteHealth asks the cluster whether it answers, which it is and
// its version, then checks the default index can be read.
func (d *Datasource) checkRemoteHealth(ctx context.Context) (*backend.CheckHealthResult, error) {
	ctx, cancel := context.WithTimeout(ctx, remoteHealthTimeout)
	defer cancel()
	h := d.store.Health(ctx)
	details := remoteHealthDetails{Backend: h, DefaultIndex: d.settings.DefaultIndex}
	status, msg := backend.HealthStatusOk, h.Message
	if !h.Reachable {
		status = backend.HealthStatusError
		msg += fmt.Sprintf("; check the URL (%s), the credentials and the network from Grafana's host", d.settings.Backend.URL)
	} else if info, err := d.store.Index(ctx, d.settings.DefaultIndex); err != nil {
		status = backend.HealthStatusError
		msg += fmt.Sprintf("; but the default index %q cannot be read: %v", d.settings.DefaultIndex, err)
		if errors.Is(err, engine.ErrIndexNotFound) {
			msg += "; set defaultIndex to one of " + d.indexNames(ctx)
		}
	} else {
		details.TimestampField, details.MessageField, details.LevelField = info.TimestampField, info.MessageField, info.LevelField
		if info.CommitDelay > 0 {
			details.CommitDelay = info.CommitDelay.String()
			details.Warnings = append(details.Warnings, fmt.Sprintf(
				"events become searchable up to %s after ingest (the index's commit timeout): live tail lags by as much", info.CommitDelay))
		}
		msg += fmt.Sprintf("; default index %q", d.settings.DefaultIndex)
	}
	return healthResult(status, msg, details.Warnings, details)
}

// indexNames lists the cluster's indexes for a message, or says none could be listed.
func (d *Datasource) indexNames(ctx context.Context) string {
	infos, err := d.store.Indexes(ctx)
	if err != nil || len(infos) == 0 {
		return "the cluster's indexes (none could be listed)"
	}
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.ID
	}
	return strings.Join(names, ", ")
}
