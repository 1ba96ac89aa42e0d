package wal

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

// Replay reads every segment in order and hands each intact record's
// events to apply. What it cannot replay it sets aside and reports, and it
// never stops at damage:
//
//   - An unfinished final frame of the newest segment (its length runs past
//     the end, or the tail is zeros) is a write a crash interrupted before
//     its fsync, so before it was acknowledged: it is cut and counted as a
//     torn write.
//   - Any other bytes that are not an intact record (a complete frame whose
//     checksum fails, bytes appended by hand, a record out of seq order)
//     are copied to the quarantine, the segment is rewritten without them,
//     and replay resumes at the next intact frame. A frame whose length
//     field alone was damaged is recovered: its checksum proves the rest.
//   - The seqs after the splits' must all be in the WAL: each record must
//     start right after the previous one. What damage cost is counted from
//     that continuity (or, at the end of the log, from the damaged frame's
//     own header), and a gap with no damaged bytes (a deleted segment) is
//     reported on its own.

// ReplayEnv is what replay needs to know besides the segments.
type ReplayEnv struct {
	// Flushed is the highest seq already in splits: records up to it are
	// in splits, and every seq after it must be in the WAL.
	Flushed uint64
	// FlushedKnown is false when the checkpoint was lost: the seqs between
	// the splits and the first record then cannot be checked.
	FlushedKnown bool
	Q            quarantine.Dir
}

// Replayed is what a replay found.
type Replayed struct {
	Segs []Segment
	// LastSeq is the highest seq the WAL used, including records lost to
	// damage whose seqs are known, so new records never reuse them.
	LastSeq uint64
	// FirstSeq is the first seq of the first intact record, 0 when none.
	FirstSeq uint64
}

type walReplayer struct {
	env   ReplayEnv
	dir   string
	apply func([]event.Event)
	out   Replayed
	// lastRecord is the highest seq of an intact record; covered the
	// highest seq up to which every seq is in a split, an intact record or
	// a loss already reported.
	lastRecord, covered uint64
	// pending is damage met since the last intact record; what it lost is
	// known at the next intact record (or the end of the log), where
	// pendingBytes (the first damaged range) is read for an estimate.
	pending      []quarantine.Damage
	pendingBytes []byte
	repairs      []walRepair
}

func Replay(dir string, env ReplayEnv, apply func([]event.Event)) (Replayed, error) {
	nums, strays, err := ListDir(dir)
	if err != nil {
		return Replayed{}, err
	}
	for _, name := range strays {
		if err := strayWALFile(env.Q, dir, name); err != nil {
			return Replayed{}, err
		}
	}
	r := &walReplayer{env: env, dir: dir, apply: apply, covered: env.Flushed}
	for i, num := range nums {
		if err := r.segment(num, i == len(nums)-1); err != nil {
			return Replayed{}, err
		}
	}
	if err := r.endOfLog(); err != nil {
		return Replayed{}, err
	}
	if err := r.missingNewest(nums); err != nil {
		return Replayed{}, err
	}
	// Segments are repaired last, once every damaged byte is kept and
	// reported: a crash before this point finds the same damage again.
	for _, rp := range r.repairs {
		if err := rp.apply(); err != nil {
			return Replayed{}, err
		}
	}
	r.out.LastSeq = max(r.out.LastSeq, r.lastRecord, env.Q.Log.LastLostSeq())
	return r.out, nil
}

func (r *walReplayer) segment(num int, newest bool) error {
	path := SegmentPath(r.dir, num)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read WAL segment %s: %w", path, err)
	}
	seg := Segment{num: num}
	var frames [][]byte // the intact records, if the segment must be rewritten
	damaged := false
	for off := 0; off < len(data); {
		rest := data[off:]
		events, size, ferr := r.readRecord(rest)
		if ferr == nil {
			if err := r.intact(events, path); err != nil {
				return err
			}
			seg.maxSeq = max(seg.maxSeq, r.lastRecord)
			frames = append(frames, rest[:size])
			off += size
			continue
		}
		end := off + size // a frame intact but unusable (undecodable, out of order)
		if size == 0 {
			end = nextIntactFrame(data, off, r.lastRecord)
			if frame, events := r.lengthRepair(data[off:end]); frame != nil {
				if err := r.repaired(path, num, off, data[off:end], events); err != nil {
					return err
				}
				seg.maxSeq = max(seg.maxSeq, r.lastRecord)
				frames = append(frames, frame)
				damaged, off = true, end
				continue
			}
			if newest && end == len(data) && isTornTail(rest) {
				r.env.Q.Log.TornTail(r.env.Q.Rel(path), int64(len(rest)))
				if !damaged {
					r.repairs = append(r.repairs, walRepair{path: path, cut: int64(off)})
				}
				break
			}
		}
		damaged = true
		if err := r.damaged(path, num, off, data[off:end], ferr); err != nil {
			return err
		}
		off = end
	}
	if damaged {
		r.repairs = append(r.repairs, walRepair{path: path, rewrite: true, frames: frames})
	}
	r.out.Segs = append(r.out.Segs, seg)
	return nil
}

// readRecord reads the record at the start of b; size is set when the
// frame is intact but the record cannot be used.
func (r *walReplayer) readRecord(b []byte) (events []event.Event, size int, err error) {
	payload, size, err := ReadFrame(b)
	if err != nil {
		return nil, 0, err
	}
	if events, err = DecodeRecord(payload); err != nil {
		return nil, size, fmt.Errorf("record cannot be decoded: %w", err)
	}
	if len(events) > 0 && events[0].Seq <= r.lastRecord {
		return nil, size, fmt.Errorf("record seqs %d-%d do not follow seq %d", events[0].Seq, events[len(events)-1].Seq, r.lastRecord)
	}
	return events, size, nil
}

// intact replays one record, first accounting for any seqs missing before it.
func (r *walReplayer) intact(events []event.Event, path string) error {
	if len(events) == 0 {
		return nil
	}
	first, last := events[0].Seq, events[len(events)-1].Seq
	// After a lost checkpoint, the first record's predecessor is unknown.
	checkGap := r.env.FlushedKnown || r.out.FirstSeq != 0
	if r.out.FirstSeq == 0 {
		r.out.FirstSeq = first
	}
	var gapFirst, gapLast uint64
	if checkGap && first > r.covered+1 {
		gapFirst, gapLast = r.covered+1, first-1
	}
	if err := r.resolve(gapFirst, gapLast, path); err != nil {
		return err
	}
	r.covered = max(r.covered, last)
	r.lastRecord = last
	r.apply(events)
	return nil
}

// resolve reports what was lost between the last intact record and the
// next: the seqs [gapFirst, gapLast] (none when gapFirst is 0).
func (r *walReplayer) resolve(gapFirst, gapLast uint64, path string) error {
	known := gapFirst == 0 || r.env.Q.Log.Covered(gapFirst, gapLast, r.pending)
	if len(r.pending) == 0 {
		if known {
			return nil
		}
		return r.env.Q.Report(fmt.Sprintf("wal-gap-%d-%d", gapFirst, gapLast), quarantine.Damage{Kind: quarantine.DamageWALGap, Path: r.env.Q.Rel(path),
			EventsLost: int64(gapLast - gapFirst + 1), FirstSeq: gapFirst, LastSeq: gapLast,
			Reason: fmt.Sprintf("seqs %d-%d are in neither a split nor the WAL: a segment before this one was deleted or cut", gapFirst, gapLast)})
	}
	if !known {
		p := &r.pending[0]
		p.EventsLost, p.FirstSeq, p.LastSeq = int64(gapLast-gapFirst+1), gapFirst, gapLast
	}
	return r.flushPending()
}

// endOfLog reports damage after the last intact record. Nothing follows
// to count from, so the damaged frames' own headers say what they held.
func (r *walReplayer) endOfLog() error {
	if len(r.pending) == 0 {
		return nil
	}
	lost, ok := tailLoss(r.pendingBytes, r.covered+1)
	p := &r.pending[0]
	p.EventsLost = -1
	if ok {
		p.EventsLost = lost
	}
	if lost > 0 {
		p.FirstSeq, p.LastSeq = r.covered+1, r.covered+uint64(lost)
		r.out.LastSeq = max(r.out.LastSeq, p.LastSeq)
	}
	return r.flushPending()
}

// missingNewest reports newest segments deleted whole: the head record
// names a segment newer than any on disk. What they held cannot be known.
func (r *walReplayer) missingNewest(nums []int) error {
	head, err := readWALHead(r.dir)
	if err != nil {
		r.env.Q.Log.Logger.Warn("the WAL's newest-segment record is unreadable: a deleted newest segment cannot be noticed at this Open (Open writes the record again)",
			"index", r.env.Q.Log.Index, "error", err)
		return nil
	}
	top := 0
	if len(nums) > 0 {
		top = nums[len(nums)-1]
	}
	if head <= top {
		return nil
	}
	return r.env.Q.Report(fmt.Sprintf("wal-missing-%08d-%08d", top+1, head), quarantine.Damage{Kind: quarantine.DamageWALGap,
		Path: r.env.Q.Rel(SegmentPath(r.dir, top+1)), EventsLost: -1,
		Reason: fmt.Sprintf("WAL segments %08d to %08d were created but are gone (the newest segments were deleted): the events they held after seq %d are lost, how many cannot be known (none if they were empty)",
			top+1, head, r.covered)})
}

func (r *walReplayer) flushPending() error {
	for _, d := range r.pending {
		if err := r.env.Q.Report(d.Key, d); err != nil {
			return err
		}
	}
	r.pending, r.pendingBytes = nil, nil
	return nil
}

// damaged keeps the bytes [off, off+len(b)) of a segment aside; their loss
// is reported once the next intact record shows it.
func (r *walReplayer) damaged(path string, num, off int, b []byte, cause error) error {
	key := walDamageKey(num, off, b)
	kept, err := r.env.Q.KeepBytes(key, b)
	if err != nil {
		return err
	}
	if len(r.pending) == 0 {
		r.pendingBytes = b
	}
	r.pending = append(r.pending, quarantine.Damage{Kind: quarantine.DamageWALRecord, Path: r.env.Q.Rel(path), Kept: kept, Bytes: int64(len(b)),
		Reason: fmt.Sprintf("%d bytes at offset %d are not an intact record (%v)", len(b), off, cause), Key: key})
	return nil
}

// repaired reports a record recovered from a damaged length field.
func (r *walReplayer) repaired(path string, num, off int, b []byte, events []event.Event) error {
	key := walDamageKey(num, off, b)
	kept, err := r.env.Q.KeepBytes(key, b)
	if err != nil {
		return err
	}
	if err := r.intact(events, path); err != nil {
		return err
	}
	return r.env.Q.Report(key, quarantine.Damage{Kind: quarantine.DamageWALRecord, Path: r.env.Q.Rel(path), Kept: kept, Bytes: int64(len(b)),
		Reason: fmt.Sprintf("the length field of the record at offset %d was damaged; its checksum proved the record intact, so it was recovered", off)})
}

// walDamageKey names kept WAL bytes by where they were and what they are:
// found again after an interrupted repair they get the same name, while
// new damage at the same place of a rewritten segment gets its own.
func walDamageKey(num, off int, b []byte) string {
	return fmt.Sprintf("wal-%08d-%d-%08x.bin", num, off, crc32.Checksum(b, walCastagnoli))
}

// strayWALFile moves an entry of the WAL directory that is not a segment
// aside: replay never guesses what it holds, and the seq check reports any
// records it took with it.
func strayWALFile(q quarantine.Dir, walDir, name string) error {
	path := filepath.Join(walDir, name)
	var size int64
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	kept, err := q.MoveAside(path, "wal-stray-"+name)
	if err != nil {
		return err
	}
	return q.Report(filepath.Base(kept), quarantine.Damage{Kind: quarantine.DamageWALStrayFile, Path: q.Rel(path), Kept: kept, Bytes: size,
		Reason: "not a WAL segment (segments are named like 00000001.wal): moved aside unread; if it held records, the seq check reports them missing"})
}
