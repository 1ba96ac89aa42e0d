package engine

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/wal"
)

// TestCrashThenDamagedRecord SIGKILLs a child mid-ingest, then flips a
// byte in the last complete record of its WAL, as a failing disk could
// after the crash. The next Open serves every other acknowledged event
// exactly once, and every acknowledged event it cannot serve is counted
// in the damage report, logged and warned about: nothing is lost silently.
func TestCrashThenDamagedRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for round := 0; round < 3; round++ {
		dir := t.TempDir()
		acked := map[int]bool{}
		killChildAfter(t, dir, 0, 40+round*15, acked)
		walDir := filepath.Join(indexDir(dir, DefaultIndexID), indexWALDir)
		segs := walSegmentsWithRecords(t, walDir)
		if len(segs) == 0 {
			t.Fatalf("round %d: the crashed store's WAL holds no record", round)
		}
		seg := segs[len(segs)-1]
		off, n := lastCompleteFrame(t, seg)
		flipByte(t, seg, off+wal.FrameHeaderSize+n/2)

		e, logs := openLogged(t, dir, testOptions())
		counts := idCounts(t, allEvents(t, e, DefaultIndexID))
		_, st, _ := e.DescribeIndex(DefaultIndexID)
		res := countAll(t, e, DefaultIndexID, "")
		e.Close()
		for id, c := range counts {
			if c != 1 {
				t.Fatalf("round %d: event %d stored %d times", round, id, c)
			}
		}
		missing := 0
		for b := range acked {
			for i := 0; i < crashBatch; i++ {
				if counts[int64(b*crashBatch+i)] != 1 {
					missing++
				}
			}
		}
		if st.EventsLost == 0 || int64(missing) > st.EventsLost || st.Events+st.EventsLost != int64(st.LastSeq) {
			t.Fatalf("round %d: %d acknowledged events missing, %d reported lost, %d events, last seq %d", round, missing, st.EventsLost, st.Events, st.LastSeq)
		}
		if !strings.Contains(logs.String(), "stored data was damaged") || len(res.Warnings) == 0 {
			t.Fatalf("round %d: the loss is not logged or warned about: %v\n%s", round, res.Warnings, logs)
		}
		t.Logf("round %d: %d batches acknowledged, %d acknowledged events missing, %d reported lost (seqs %d-%d), %d torn writes cut",
			round, len(acked), missing, st.EventsLost, st.Damage[0].FirstSeq, st.Damage[0].LastSeq, st.WALTornWrites)
	}
}

// lastCompleteFrame returns the offset and payload length of the last
// whole record of a segment a crash may have left with a torn tail.
func lastCompleteFrame(t *testing.T, path string) (off, n int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off = -1
	for p := 0; ; {
		_, size, err := wal.ReadFrame(data[p:])
		if err != nil {
			break
		}
		off, n = int64(p), int64(binary.LittleEndian.Uint32(data[p:]))
		p += size
	}
	if off < 0 {
		t.Fatalf("segment %s holds no complete record", path)
	}
	return off, n
}
