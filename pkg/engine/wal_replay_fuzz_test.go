package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/wal"
)

// FuzzWALReplay replays arbitrary bytes as a WAL of two segments: replay
// never fails on what it reads, hands out increasing seqs, and leaves a
// log that replays again to the same events with nothing new to report.
func FuzzWALReplay(f *testing.F) {
	good := slices.Concat(walTestRecord(1, 2), walTestRecord(3, 1), walTestRecord(4, 3))
	f.Add(good, uint8(0))
	f.Add(good, uint8(len(walTestRecord(1, 2))))
	f.Add(slices.Concat(good[:20], []byte{1, 0, 0, 0}, good[20:]), uint8(9))
	f.Add(slices.Concat(good, []byte("appended by hand\n")), uint8(0))
	f.Add(good[:len(good)-7], uint8(40))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		dir := filepath.Join(t.TempDir(), indexWALDir)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cut := int(split) % (len(data) + 1)
		for i, part := range [][]byte{data[:cut], data[cut:]} {
			if err := os.WriteFile(wal.SegmentPath(dir, i+1), part, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		seqs, r, _, err := replayDamage(dir)
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		for i := range seqs {
			if (i > 0 && seqs[i] <= seqs[i-1]) || seqs[i] > r.LastSeq {
				t.Fatalf("seq %d at %d (last seq %d): %v", seqs[i], i, r.LastSeq, seqs)
			}
		}
		again, _, dlog, err := replayDamage(dir)
		if err != nil {
			t.Fatalf("second replay: %v", err)
		}
		var st IndexStats
		fillDamage(dlog, &st)
		if !slices.Equal(seqs, again) || st.WALTornWrites != 0 {
			t.Fatalf("second replay found %v (torn %d), first %v", again, st.WALTornWrites, seqs)
		}
	})
}
