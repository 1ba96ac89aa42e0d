package engine

import (
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

// TestDamageQueryNotes: a query hears about a loss only when the lost
// events may be in its range; losses of unknown time warn every query.
func TestDamageQueryNotes(t *testing.T) {
	log := quarantine.NewLog("logs", slog.New(slog.DiscardHandler), []quarantine.Damage{
		{Kind: quarantine.DamageSplit, Kept: "quarantine/s1", EventsLost: 500, MinTime: 100, MaxTime: 200},
		{Kind: quarantine.DamageWALRecord, Kept: "quarantine/wal-1.bin", EventsLost: 100, FirstSeq: 901, LastSeq: 1000},
		{Kind: quarantine.DamageWALStrayFile, Kept: "quarantine/wal-stray-x", EventsLost: 0},
	})
	tests := []struct {
		start, end int64
		skipped    []string
		warnings   int
	}{
		{start: 0, end: 150, skipped: []string{"s1"}, warnings: 2},
		{start: 200, end: 300, skipped: []string{"s1"}, warnings: 2},
		{start: 201, end: 300, warnings: 1},
		{start: 0, end: 100, warnings: 1},
	}
	for _, tc := range tests {
		skipped, warnings := log.QueryNotes(tc.start, tc.end)
		if !slices.Equal(skipped, tc.skipped) || len(warnings) != tc.warnings {
			t.Errorf("[%d, %d): skipped %v, warnings %q; want %v and %d warnings", tc.start, tc.end, skipped, warnings, tc.skipped, tc.warnings)
		}
	}
}

func TestDamageWarningsForHealth(t *testing.T) {
	st := IndexStats{Unavailable: "index config index.json is damaged", DamagedSplits: []string{"s9"},
		Damage: []quarantine.Damage{{Kind: quarantine.DamageWALGap, Path: "wal/00000005.wal", EventsLost: 200, FirstSeq: 1201, LastSeq: 1400},
			{Kind: quarantine.DamageSplit, Path: "splits/s1", Kept: "quarantine/s1", EventsLost: -1}}}
	got := strings.Join(st.DamageWarnings("logs"), "\n")
	want := "index logs is unavailable: index config index.json is damaged\n" +
		"index logs: 200 events lost to a gap in the write-ahead log at wal/00000005.wal (seqs 1201-1400)\n" +
		"index logs: an unknown number of events lost to a damaged split at splits/s1, kept in quarantine/s1\n" +
		"index logs: queries found 1 damaged splits and read them only up to the damage (s9)"
	if got != want {
		t.Fatalf("warnings:\n%s\nwant:\n%s", got, want)
	}
}
