package wal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/triage-logs/triage/pkg/engine/durable"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// nextIntactFrame returns the offset of the first intact record after off
// whose seqs follow after, or len(data) when none does. The frame at off
// is tried first at the end its length field gives, then every offset:
// the version byte, a following seq and the length are checked before
// the checksum, and the checksum work is bounded, so a segment full of
// garbage costs a few passes over it, not one per byte.
func nextIntactFrame(data []byte, off int, after uint64) int {
	budget := 4*len(data) + 1<<20
	if len(data)-off >= FrameHeaderSize {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		if p := off + FrameHeaderSize + n; n > 0 && n <= walMaxRecordBytes && p < len(data) && intactFrameAt(data[p:], after, &budget) {
			return p
		}
	}
	for p := off + 1; p+FrameHeaderSize < len(data) && budget > 0; p++ {
		if intactFrameAt(data[p:], after, &budget) {
			return p
		}
	}
	return len(data)
}

// intactFrameAt reports whether b starts with an intact, decodable record
// whose first seq is after `after`; budget counts down checksummed bytes.
func intactFrameAt(b []byte, after uint64, budget *int) bool {
	if len(b) <= FrameHeaderSize {
		return false
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n == 0 || n > walMaxRecordBytes || FrameHeaderSize+n > len(b) || b[FrameHeaderSize] != walRecordVersion {
		return false
	}
	payload := b[FrameHeaderSize : FrameHeaderSize+n]
	if first, k := binary.Uvarint(payload[1:]); k <= 0 || first <= after {
		return false
	}
	*budget -= n
	if crc32.Checksum(payload, walCastagnoli) != binary.LittleEndian.Uint32(b[4:8]) {
		return false
	}
	_, err := DecodeRecord(payload)
	return err == nil
}

// lengthRepair recovers a record whose length field alone was damaged: b
// runs from the damaged frame to the next intact one, and if everything
// after the header matches the frame's checksum, it is the payload. It
// returns the resealed frame and its events, or nil.
func (r *walReplayer) lengthRepair(b []byte) ([]byte, []event.Event) {
	if len(b) <= FrameHeaderSize || len(b)-FrameHeaderSize > walMaxRecordBytes {
		return nil, nil
	}
	payload := b[FrameHeaderSize:]
	if crc32.Checksum(payload, walCastagnoli) != binary.LittleEndian.Uint32(b[4:8]) {
		return nil, nil
	}
	events, err := DecodeRecord(payload)
	if err != nil || (len(events) > 0 && events[0].Seq <= r.lastRecord) {
		return nil, nil
	}
	frame := make([]byte, len(b))
	copy(frame[FrameHeaderSize:], payload)
	SealRecord(frame)
	return frame, events
}

// isTornTail reports whether the bytes from a frame to the end of the
// newest segment are a write a crash cut short: too short for a header,
// zeros (space the file system allocated but never wrote), or a plausible
// frame start whose length runs past the end. An fsynced, acknowledged
// record is whole on disk, so none of these held one.
func isTornTail(rest []byte) bool {
	if len(rest) < FrameHeaderSize || bytes.Count(rest, []byte{0}) == len(rest) {
		return true
	}
	n := int(binary.LittleEndian.Uint32(rest))
	return n > 0 && n <= walMaxRecordBytes && FrameHeaderSize+n > len(rest) &&
		(len(rest) == FrameHeaderSize || rest[FrameHeaderSize] == walRecordVersion)
}

// tailLoss counts the events of damaged bytes at the end of the log, whose
// loss no later record can show: each complete frame's header names its
// first seq and event count, and must continue from next. Bytes that do not
// start a frame, or a frame that runs past the end, held nothing
// acknowledged. ok is false when a complete frame's header is unreadable.
func tailLoss(b []byte, next uint64) (lost int64, ok bool) {
	for p := 0; len(b)-p >= FrameHeaderSize; {
		n := int(binary.LittleEndian.Uint32(b[p:]))
		if n == 0 || n > walMaxRecordBytes || p+FrameHeaderSize+n > len(b) {
			break
		}
		d := walDecoder{b: b[p+FrameHeaderSize : p+FrameHeaderSize+n]}
		if d.b[0] != walRecordVersion {
			return 0, false
		}
		d.b = d.b[1:]
		first, count := d.uvarint(), d.uvarint()
		if d.err != nil || first != next || count == 0 || count > uint64(n)/2 {
			return 0, false
		}
		lost += int64(count)
		next += count
		p += FrameHeaderSize + n
	}
	return lost, true
}

// walRepair is a segment fix replay applies once all damage is reported:
// cut a torn tail, or rewrite the segment from its intact records.
type walRepair struct {
	path    string
	cut     int64
	rewrite bool
	frames  [][]byte
}

func (rp walRepair) apply() error {
	if rp.rewrite {
		return rewriteSegment(rp.path, rp.frames)
	}
	return cutTornTail(rp.path, rp.cut)
}

// rewriteSegment replaces a closed segment with its intact records, through
// a hidden temporary file and a rename, so a crash leaves the old segment
// or the new one.
func rewriteSegment(path string, frames [][]byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+walRewriteSuffix)
	if err := durable.WriteFileVia(tmp, path, bytes.Join(frames, nil)); err != nil {
		return fmt.Errorf("rewrite WAL segment without its damaged bytes: %w", err)
	}
	return nil
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
