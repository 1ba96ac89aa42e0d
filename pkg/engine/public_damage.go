package engine

import "github.com/triage-logs/triage/pkg/engine/quarantine"

// Damage reports live with the quarantine that writes them; these names
// keep them reachable as engine.X (IndexStats.Damage lists them).

type (
	Damage     = quarantine.Damage
	DamageKind = quarantine.DamageKind
)

const (
	DamageWALRecord    = quarantine.DamageWALRecord
	DamageWALGap       = quarantine.DamageWALGap
	DamageWALStrayFile = quarantine.DamageWALStrayFile
	DamageSplit        = quarantine.DamageSplit
	DamageMergeMarker  = quarantine.DamageMergeMarker
	DamageCheckpoint   = quarantine.DamageCheckpoint
	DamageIndexConfig  = quarantine.DamageIndexConfig
)
