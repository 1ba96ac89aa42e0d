package engine

import (
	"fmt"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

// fillDamage sets the damage fields of st from the index's damage log.
func fillDamage(d *quarantine.Log, st *IndexStats) {
	reports, torn, reads, readSplits := d.Counts()
	st.Damage = reports
	for i := range reports {
		r := &reports[i]
		switch {
		case r.EventsLost < 0:
			st.UncountedLosses++
		default:
			st.EventsLost += r.EventsLost
		}
		switch r.Kind {
		case quarantine.DamageWALRecord:
			st.WALRecordsQuarantined++
		case quarantine.DamageWALGap:
			st.WALSeqGaps++
		case quarantine.DamageSplit:
			st.SplitsQuarantined++
		}
	}
	st.WALTornWrites = torn
	st.DamagedReads = reads
	st.DamagedSplits = readSplits
}

// DamageWarnings says in sentences what the index lost or set aside, for
// health checks: one line per damage report, one for an unavailable index
// and one for splits queries found damaged since Open.
func (st *IndexStats) DamageWarnings(index string) []string {
	var out []string
	if st.Unavailable != "" {
		out = append(out, fmt.Sprintf("index %s is unavailable: %s", index, st.Unavailable))
	}
	for i := range st.Damage {
		out = append(out, fmt.Sprintf("index %s: %s", index, st.Damage[i].LossText()))
	}
	if len(st.DamagedSplits) > 0 {
		out = append(out, fmt.Sprintf("index %s: queries found %d damaged splits and read them only up to the damage (%s)",
			index, len(st.DamagedSplits), strings.Join(st.DamagedSplits, ", ")))
	}
	return out
}
