package merge

import (
	"github.com/triage-logs/triage/pkg/engine/internal/fixture"
	"github.com/triage-logs/triage/pkg/engine/internal/splittest"
)

// fixtureEvents returns n deterministic incident-shaped events starting at a
// fixed time, sorted by (Timestamp, Seq).
var fixtureEvents = fixture.Events

// sortedFields returns a copy of events with fields sorted by name, the
// order ReadEvents returns them in.
var sortedFields = fixture.SortedFields

// fixtureSchema indexes like the default incident mapping.
var fixtureSchema = splittest.Schema

// splitTestWrite writes events with small blocks so tests cover many blocks.
var splitTestWrite = splittest.Write
