package engine

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

// walTestRecord builds a sealed record of n events starting at seq first.
func walTestRecord(first uint64, n int) []byte {
	rec := wal.RecordHead(nil, first, n)
	for i := 0; i < n; i++ {
		e := event.Event{Timestamp: int64(1000 + int(first) + i), Fields: []event.Field{
			{Name: "id", Value: event.Uint64Value(first + uint64(i))},
			{Name: "message", Value: event.StringValue(fmt.Sprintf("event %d", first+uint64(i)))},
			{Name: "ok", Value: event.BoolValue(i%2 == 0)},
			{Name: "ratio", Value: event.Float64Value(0.5)},
			{Name: "delta", Value: event.Int64Value(-int64(i))},
			{Name: "ip", Value: event.IPValue("10.0.0.1")},
			{Name: "at", Value: event.TimeNanosValue(5)},
			{Name: "nothing", Value: event.Value{}},
		}}
		rec = wal.AppendEvent(rec, &e)
	}
	wal.SealRecord(rec)
	return rec
}

// writeTestWAL writes records of 3 events each (seqs 1..3, 4..6, …),
// rolling segments at segBytes, and returns the directory (wal/ inside a
// directory standing for the index, which holds the quarantine).
func writeTestWAL(t *testing.T, records int, segBytes int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), indexWALDir)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := wal.Open(dir, wal.CreateFile, segBytes, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < records; i++ {
		first := uint64(i*3 + 1)
		if err := w.Append(walTestRecord(first, 3), first+2); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testReplayEnv replays the WAL of the index directory indexDir with
// nothing flushed, its quarantine beside it and a silent log.
func testReplayEnv(indexDir string) wal.ReplayEnv {
	return wal.ReplayEnv{FlushedKnown: true,
		Q: quarantine.Dir{IndexDir: indexDir, Log: quarantine.NewLog("test", slog.New(slog.DiscardHandler), nil)}}
}

// replayDamage replays the WAL in dir and returns the seqs replayed and
// what replay reported.
func replayDamage(dir string) ([]uint64, wal.Replayed, *quarantine.Log, error) {
	var seqs []uint64
	env := testReplayEnv(filepath.Dir(dir))
	reports, err := split.LoadDamage(filepath.Dir(dir))
	if err != nil {
		return nil, wal.Replayed{}, nil, err
	}
	env.Q.Log.Reports = reports
	r, err := wal.Replay(dir, env, func(events []event.Event) {
		for _, e := range events {
			seqs = append(seqs, e.Seq)
		}
	})
	return seqs, r, env.Q.Log, err
}

func replaySeqs(dir string) ([]uint64, []wal.Segment, error) {
	seqs, r, _, err := replayDamage(dir)
	return seqs, r.Segs, err
}

func lastSegment(t *testing.T, dir string) string {
	nums, _, err := wal.ListDir(dir)
	if err != nil || len(nums) == 0 {
		t.Fatalf("segments: %v %v", nums, err)
	}
	return wal.SegmentPath(dir, nums[len(nums)-1])
}

func TestWALRecordRoundTrip(t *testing.T) {
	rec := walTestRecord(42, 4)
	payload, size, err := wal.ReadFrame(rec)
	if err != nil || size != len(rec) {
		t.Fatalf("frame: %v size %d", err, size)
	}
	events, err := wal.DecodeRecord(payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 4 || events[0].Seq != 42 || events[3].Seq != 45 {
		t.Fatalf("seqs wrong: %+v", events)
	}
	v, _ := events[1].Get("message")
	if v.Str != "event 43" || len(events[1].Fields) != 8 {
		t.Fatalf("event 1 = %+v", events[1])
	}
	for _, cut := range []int{0, 7, 8, len(rec) - 1} {
		if _, _, err := wal.ReadFrame(rec[:cut]); !errors.Is(err, wal.ErrShortFrame) {
			t.Errorf("cut at %d: %v, want short frame", cut, err)
		}
	}
	bad := append([]byte(nil), rec...)
	bad[20] ^= 0xff
	if _, _, err := wal.ReadFrame(bad); !errors.Is(err, wal.ErrChecksum) {
		t.Errorf("flipped byte: %v, want checksum error", err)
	}
}

func TestWALReplay(t *testing.T) {
	recLen := int64(len(walTestRecord(1, 3)))
	segBytes := 4*recLen + 20 // 4 records per segment: seqs 1-12, 13-24, 25-30
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   int   // events replayed
		lost   int64 // reported lost; -1 when uncounted
		// first is the first lost seq; reports and torn what replay said.
		first   uint64
		reports int
		torn    int64
	}{
		{"intact", func(*testing.T, string) {}, 30, 0, 0, 0, 0},
		{"torn tail mid record", func(t *testing.T, dir string) {
			p := lastSegment(t, dir)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-recLen/2)
		}, 27, 0, 0, 0, 1},
		{"torn tail inside header", func(t *testing.T, dir string) {
			p := lastSegment(t, dir)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-recLen+3)
		}, 27, 0, 0, 0, 1},
		{"zeroed tail", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(lastSegment(t, dir), os.O_WRONLY|os.O_APPEND, 0)
			f.Write(make([]byte, 4096))
			f.Close()
		}, 30, 0, 0, 0, 1},
		// A complete final frame whose checksum fails was whole on disk, so
		// it may have been acknowledged: it is damage, not a torn write.
		{"last record damaged in place", func(t *testing.T, dir string) {
			damageAt(t, lastSegment(t, dir), -10)
		}, 27, 3, 28, 1, 0},
		{"last record's checksum damaged", func(t *testing.T, dir string) {
			damageAt(t, lastSegment(t, dir), lastFrame(t, lastSegment(t, dir))+5)
		}, 27, 3, 28, 1, 0},
		{"last record's header and payload damaged", func(t *testing.T, dir string) {
			damageAt(t, lastSegment(t, dir), lastFrame(t, lastSegment(t, dir))+wal.FrameHeaderSize+1)
		}, 27, -1, 0, 1, 0},
		{"damage in the middle of the last segment", func(t *testing.T, dir string) {
			damageAt(t, lastSegment(t, dir), 12)
		}, 27, 3, 25, 1, 0},
		{"damage in an older segment", func(t *testing.T, dir string) {
			damageAt(t, wal.SegmentPath(dir, 1), -5)
		}, 27, 3, 10, 1, 0},
		{"older segment cut short", func(t *testing.T, dir string) {
			p := wal.SegmentPath(dir, 1)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-1)
		}, 27, 3, 10, 1, 0},
		{"length field damaged in an older segment", func(t *testing.T, dir string) {
			damageAt(t, wal.SegmentPath(dir, 1), walFrameOffsets(t, wal.SegmentPath(dir, 1))[1]+1)
		}, 30, 0, 0, 1, 0},
		{"length field of the last record damaged", func(t *testing.T, dir string) {
			damageAt(t, lastSegment(t, dir), lastFrame(t, lastSegment(t, dir))+2)
		}, 30, 0, 0, 1, 0},
		{"garbage between records", func(t *testing.T, dir string) {
			p := wal.SegmentPath(dir, 2)
			data, _ := os.ReadFile(p)
			at := walFrameOffsets(t, p)[2]
			garbage := bytes.Repeat([]byte{1, 0, 0, 0, 0xee}, 300)
			os.WriteFile(p, slices.Concat(data[:at], garbage, data[at:]), 0o644)
		}, 30, 0, 0, 1, 0},
		{"segment deleted", func(t *testing.T, dir string) {
			os.Remove(wal.SegmentPath(dir, 2))
		}, 18, 12, 13, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTestWAL(t, 10, segBytes)
			tc.damage(t, dir)
			seqs, r, dlog, err := replayDamage(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(seqs) != tc.want {
				t.Fatalf("replayed %d events, want %d", len(seqs), tc.want)
			}
			for i := 1; i < len(seqs); i++ {
				if seqs[i] <= seqs[i-1] {
					t.Fatalf("seq %d after %d", seqs[i], seqs[i-1])
				}
			}
			var st IndexStats
			fillDamage(dlog, &st)
			lost := st.EventsLost
			if st.UncountedLosses > 0 {
				lost = -1
			}
			if len(st.Damage) != tc.reports || lost != tc.lost || st.WALTornWrites != tc.torn {
				t.Fatalf("reports %+v, lost %d, torn %d; want %d reports, lost %d, torn %d", st.Damage, lost, st.WALTornWrites, tc.reports, tc.lost, tc.torn)
			}
			if tc.first != 0 && (st.Damage[0].FirstSeq != tc.first || st.Damage[0].LastSeq != tc.first+uint64(tc.lost)-1) {
				t.Fatalf("lost seqs %d-%d, want from %d", st.Damage[0].FirstSeq, st.Damage[0].LastSeq, tc.first)
			}
			// Every seq up to the last used one is replayed or reported lost.
			if tc.lost >= 0 && r.LastSeq != uint64(tc.want)+uint64(tc.lost) {
				t.Fatalf("last seq %d, want %d replayed + %d lost", r.LastSeq, tc.want, tc.lost)
			}
			// The log is repaired: replaying again finds nothing new, and
			// appending after it keeps the order.
			w, err := wal.Open(dir, wal.CreateFile, segBytes, r.Segs)
			if err != nil {
				t.Fatal(err)
			}
			next := r.LastSeq + 1
			if err := w.Append(walTestRecord(next, 3), next+2); err != nil {
				t.Fatal(err)
			}
			w.Close()
			seqs, r2, dlog2, err := replayDamage(dir)
			if err != nil || len(seqs) != tc.want+3 {
				t.Fatalf("after reopen: %d events, %v", len(seqs), err)
			}
			var st2 IndexStats
			fillDamage(dlog2, &st2)
			if len(st2.Damage) != tc.reports || st2.WALTornWrites != 0 || r2.LastSeq != next+2 {
				t.Fatalf("second replay: reports %+v, torn %d, last seq %d", st2.Damage, st2.WALTornWrites, r2.LastSeq)
			}
		})
	}
}

// lastFrame returns the offset of the last record of an intact segment.
func lastFrame(t *testing.T, path string) int64 {
	offs := walFrameOffsets(t, path)
	return offs[len(offs)-1]
}

func damageAt(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if off < 0 {
		st, _ := f.Stat()
		off += st.Size()
	}
	b := make([]byte, 1)
	f.ReadAt(b, off)
	b[0] ^= 0x5a
	f.WriteAt(b, off)
}

func TestWALRemoveCovered(t *testing.T) {
	recLen := int64(len(walTestRecord(1, 3)))
	dir := writeTestWAL(t, 10, 2*recLen+10) // segments hold seqs 1-6, 7-12, 13-18, 19-24, 25-30
	_, segs, err := replaySeqs(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wal.Open(dir, wal.CreateFile, 2*recLen+10, segs)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RemoveCovered(14); err != nil {
		t.Fatal(err)
	}
	seqs, _, err := replaySeqs(dir)
	if err != nil || len(seqs) == 0 || seqs[0] != 13 || len(seqs) != 18 {
		t.Fatalf("after removing segments ≤ 14: first %v, %d events, %v", seqs[:1], len(seqs), err)
	}
}

// failingFile fails Write or Sync after a number of successful writes, like
// a disk filling up.
type failingFile struct {
	f         *os.File
	okWrites  int
	failSync  bool
	truncated bool
}

var errInjected = errors.New("injected: no space left on device")

func (f *failingFile) Write(p []byte) (int, error) {
	if f.okWrites <= 0 && !f.failSync {
		n, _ := f.f.Write(p[:len(p)/2]) // a partial write, as a full disk gives
		return n, errInjected
	}
	f.okWrites--
	return f.f.Write(p)
}

func (f *failingFile) Sync() error {
	if f.failSync && f.okWrites < 0 && !f.truncated {
		return errInjected
	}
	return f.f.Sync()
}

func (f *failingFile) Truncate(n int64) error { f.truncated = true; return f.f.Truncate(n) }
func (f *failingFile) Close() error           { return f.f.Close() }

func TestWALAppendFailureLeavesLogClean(t *testing.T) {
	for _, failSync := range []bool{false, true} {
		t.Run(fmt.Sprintf("failSync=%v", failSync), func(t *testing.T) {
			dir := t.TempDir()
			var ff *failingFile
			open := func(path string) (wal.File, error) {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
				ff = &failingFile{f: f, okWrites: 2, failSync: failSync}
				return ff, err
			}
			w, err := wal.Open(dir, open, 1<<20, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if err := w.Append(walTestRecord(uint64(i*3+1), 3), uint64(i*3+3)); err != nil {
					t.Fatal(err)
				}
			}
			if failSync {
				ff.okWrites = -1
			}
			if err := w.Append(walTestRecord(7, 3), 9); !errors.Is(err, errInjected) {
				t.Fatalf("append: %v, want injected error", err)
			}
			w.Close()
			seqs, _, err := replaySeqs(dir)
			if err != nil || len(seqs) != 6 {
				t.Fatalf("replay after failed append: %d events, %v", len(seqs), err)
			}
			if st, _ := os.Stat(filepath.Join(dir, "00000001.wal")); st.Size() != 2*int64(len(walTestRecord(1, 3))) {
				t.Fatalf("segment not cut back: size %d", st.Size())
			}
		})
	}
}

func FuzzWALRecord(f *testing.F) {
	rec := walTestRecord(7, 2)
	f.Add(rec)
	f.Add(rec[:len(rec)-3])
	f.Add(append(walTestRecord(1, 1), walTestRecord(2, 1)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		for len(data) > 0 {
			payload, size, err := wal.ReadFrame(data)
			if err != nil {
				return
			}
			events, err := wal.DecodeRecord(payload)
			if err == nil {
				// Re-encoding what was decoded gives an equal record.
				again := wal.RecordHead(nil, 0, len(events))
				if len(events) > 0 {
					again = wal.RecordHead(nil, events[0].Seq, len(events))
				}
				for i := range events {
					again = wal.AppendEvent(again, &events[i])
				}
				wal.SealRecord(again)
				p2, _, err := wal.ReadFrame(again)
				if err != nil {
					t.Fatal(err)
				}
				events2, err := wal.DecodeRecord(p2)
				if err != nil || len(events2) != len(events) {
					t.Fatalf("re-decode: %v", err)
				}
			}
			data = data[size:]
		}
	})
}

// TestWALRepairInterruptedByCrash: a crash after replay reported damage
// but before it rewrote the segment leaves the damaged segment as it was;
// the next replay finds the same damage, keeps one report with the same
// count and does not count the same loss twice.
func TestWALRepairInterruptedByCrash(t *testing.T) {
	dir := writeTestWAL(t, 10, 4*int64(len(walTestRecord(1, 3)))+20)
	seg := wal.SegmentPath(dir, 2)
	damageAt(t, seg, walFrameOffsets(t, seg)[1]+wal.FrameHeaderSize+4)
	damaged, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		seqs, _, dlog, err := replayDamage(dir)
		if err != nil {
			t.Fatal(err)
		}
		var st IndexStats
		fillDamage(dlog, &st)
		if len(seqs) != 27 || len(st.Damage) != 1 || st.EventsLost != 3 || st.Damage[0].FirstSeq != 16 {
			t.Fatalf("run %d: %d events replayed, damage %+v", run, len(seqs), st.Damage)
		}
		if err := os.WriteFile(seg, damaged, 0o644); err != nil { // the rewrite never happened
			t.Fatal(err)
		}
	}
}
