package engine

import (
	"errors"
	"fmt"
	"os"
)

// replayWAL reads every segment of dir in order and hands each record's
// events to apply. A torn record at the end of the newest segment (a crash
// during an unacknowledged write) is cut off; damage anywhere else is
// ErrCorruptWAL, naming the segment and offset, because it may hide
// acknowledged events.
func replayWAL(dir string, apply func(events []Event)) (segs []walSegment, lastSeq uint64, err error) {
	nums, err := listWALSegments(dir)
	if err != nil {
		return nil, 0, err
	}
	for i, num := range nums {
		path := walSegmentPath(dir, num)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, 0, fmt.Errorf("read WAL segment %s: %w", path, err)
		}
		seg := walSegment{num: num}
		off := 0
		for off < len(data) {
			payload, size, ferr := readWALFrame(data[off:])
			if ferr != nil {
				if i == len(nums)-1 && isTornTail(data[off:], ferr) {
					if err := cutTornTail(path, int64(off)); err != nil {
						return nil, 0, err
					}
					break
				}
				return nil, 0, fmt.Errorf("%w: segment %s offset %d: %v (restore the file from a backup, or move it aside to open the store without its events)", ErrCorruptWAL, path, off, ferr)
			}
			events, derr := decodeWALRecord(payload)
			if derr != nil {
				return nil, 0, fmt.Errorf("%w: segment %s offset %d: %v", ErrCorruptWAL, path, off, derr)
			}
			if len(events) > 0 {
				if events[0].Seq <= lastSeq {
					return nil, 0, fmt.Errorf("%w: segment %s offset %d: seq %d follows seq %d", ErrCorruptWAL, path, off, events[0].Seq, lastSeq)
				}
				lastSeq = events[len(events)-1].Seq
				seg.maxSeq = lastSeq
				apply(events)
			}
			off += size
		}
		segs = append(segs, seg)
	}
	return segs, lastSeq, nil
}

// isTornTail reports whether the damaged frame at the start of rest can
// only be the last write, cut short by a crash: each group commit is one
// frame, so a crash can damage only the final frame (or leave zeros).
func isTornTail(rest []byte, ferr error) bool {
	if errors.Is(ferr, errWALShortFrame) {
		return true
	}
	zeros := true
	for _, b := range rest {
		if b != 0 {
			zeros = false
			break
		}
	}
	if zeros {
		return true
	}
	if len(rest) >= walFrameHeaderSize {
		n := int(uint32(rest[0]) | uint32(rest[1])<<8 | uint32(rest[2])<<16 | uint32(rest[3])<<24)
		return n <= walMaxRecordBytes && walFrameHeaderSize+n == len(rest)
	}
	return false
}

func cutTornTail(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open WAL segment %s to cut its torn tail: %w", path, err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("cut torn tail of WAL segment %s at %d: %w", path, size, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync WAL segment %s: %w", path, err)
	}
	return nil
}
