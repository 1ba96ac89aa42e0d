// Package connect turns datasource settings into the backend that answers
// queries, so the plugin holds one backend.Backend whatever the store.
package connect

import (
	"errors"
	"fmt"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/quickwit"
	"github.com/triage-logs/triage/pkg/backend/victorialogs"
	"github.com/triage-logs/triage/pkg/engine"
)

// Open validates s and returns its backend: the embedded engine eng (the
// caller opens and closes it; nil is an error for the embedded kind), or a
// Quickwit or VictoriaLogs adapter, which needs no engine.
func Open(s backend.Settings, eng *engine.Engine) (backend.Backend, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("invalid backend settings: %w", err)
	}
	switch s.Kind {
	case backend.KindQuickwit:
		return quickwit.New(s)
	case backend.KindVictoriaLogs:
		return victorialogs.New(s)
	}
	if eng == nil {
		return nil, errors.New("the embedded backend needs an open engine")
	}
	return backend.NewEmbedded(eng), nil
}
