package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// A WAL record is one group commit: a frame header (payload length and
// CRC32C of the payload, both little-endian uint32) then the payload:
//
//	version byte (1) | first seq (uvarint) | event count (uvarint) | events
//
// Events carry no seq: event i of the record has seq first+i. An event is
// its timestamp (varint), its field count (uvarint), then per field the
// name (uvarint length + bytes), the kind byte and the value (strings and
// IPs length-prefixed, i64/datetime varint, u64 uvarint, f64 8 bytes
// little-endian, bool one byte).
const (
	FrameHeaderSize  = 8
	walRecordVersion = 1
	// walMaxRecordBytes bounds a record so a damaged length cannot make
	// replay allocate without limit.
	walMaxRecordBytes = 256 << 20
)

var walCastagnoli = crc32.MakeTable(crc32.Castagnoli)

var (
	ErrShortFrame = errors.New("record extends past the end of the segment")
	ErrChecksum   = errors.New("record checksum mismatch")
)

// AppendEvent encodes one event (without its seq) onto buf.
func AppendEvent(buf []byte, e *event.Event) []byte {
	buf = binary.AppendVarint(buf, e.Timestamp)
	buf = binary.AppendUvarint(buf, uint64(len(e.Fields)))
	for i := range e.Fields {
		f := &e.Fields[i]
		buf = binary.AppendUvarint(buf, uint64(len(f.Name)))
		buf = append(buf, f.Name...)
		buf = append(buf, byte(f.Value.Kind))
		switch f.Value.Kind {
		case event.KindString, event.KindIP:
			buf = binary.AppendUvarint(buf, uint64(len(f.Value.Str)))
			buf = append(buf, f.Value.Str...)
		case event.KindInt64, event.KindTime:
			buf = binary.AppendVarint(buf, f.Value.Int())
		case event.KindUint64:
			buf = binary.AppendUvarint(buf, f.Value.Uint())
		case event.KindFloat64:
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.Value.Float()))
		case event.KindBool:
			if f.Value.Bool() {
				buf = append(buf, 1)
			} else {
				buf = append(buf, 0)
			}
		}
	}
	return buf
}

// RecordHead returns the frame header space and payload prefix of a
// record; the caller appends the encoded events and calls sealWALRecord.
func RecordHead(buf []byte, firstSeq uint64, count int) []byte {
	buf = append(buf, make([]byte, FrameHeaderSize)...)
	buf = append(buf, walRecordVersion)
	buf = binary.AppendUvarint(buf, firstSeq)
	return binary.AppendUvarint(buf, uint64(count))
}

// SealRecord fills in the frame header of the record starting at rec[0].
func SealRecord(rec []byte) {
	payload := rec[FrameHeaderSize:]
	binary.LittleEndian.PutUint32(rec[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(rec[4:8], crc32.Checksum(payload, walCastagnoli))
}

// ReadFrame splits the first frame off b. It returns errWALShortFrame
// when b ends inside the frame and errWALChecksum when the payload is damaged.
func ReadFrame(b []byte) (payload []byte, size int, err error) {
	if len(b) < FrameHeaderSize {
		return nil, 0, ErrShortFrame
	}
	n := binary.LittleEndian.Uint32(b[0:4])
	if n == 0 || n > walMaxRecordBytes {
		return nil, 0, fmt.Errorf("%w: length %d exceeds the %d byte limit", ErrChecksum, n, walMaxRecordBytes)
	}
	if uint64(len(b)-FrameHeaderSize) < uint64(n) {
		return nil, 0, ErrShortFrame
	}
	payload = b[FrameHeaderSize : FrameHeaderSize+int(n)]
	if crc32.Checksum(payload, walCastagnoli) != binary.LittleEndian.Uint32(b[4:8]) {
		return nil, 0, ErrChecksum
	}
	return payload, FrameHeaderSize + int(n), nil
}

// DecodeRecord decodes a checksummed payload into events with their seqs.
func DecodeRecord(payload []byte) ([]event.Event, error) {
	if len(payload) == 0 || payload[0] != walRecordVersion {
		return nil, errors.New("unknown record version")
	}
	d := walDecoder{b: payload[1:]}
	first := d.uvarint()
	count := d.uvarint()
	if d.err != nil {
		return nil, d.err
	}
	if count > uint64(len(d.b))/2 || first+count < first {
		return nil, fmt.Errorf("record claims %d events in %d bytes from seq %d", count, len(d.b), first)
	}
	events, err := DecodeEvents(d.b, int(count))
	if err != nil {
		return nil, err
	}
	for i := range events {
		events[i].Seq = first + uint64(i)
	}
	return events, nil
}

// DecodeEvents decodes exactly count events that must fill b.
func DecodeEvents(b []byte, count int) ([]event.Event, error) {
	d := walDecoder{b: b, names: map[string]string{}}
	events := make([]event.Event, count)
	for i := range events {
		events[i] = d.event()
		if d.err != nil {
			return nil, fmt.Errorf("event %d: %w", i, d.err)
		}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%d bytes left after %d events", len(d.b), count)
	}
	return events, nil
}

// walDecoder reads the event encoding; the first error sticks.
type walDecoder struct {
	b     []byte
	err   error
	names map[string]string // interns field names: records repeat them
}

func (d *walDecoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = nil
}

func (d *walDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *walDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *walDecoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("string extends past the record")
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *walDecoder) event() event.Event {
	e := event.Event{Timestamp: d.varint()}
	n := d.uvarint()
	if n > uint64(len(d.b))/2 {
		d.fail("field count exceeds the record")
		return e
	}
	e.Fields = make([]event.Field, n)
	for i := range e.Fields {
		nb := d.bytes()
		name, ok := d.names[string(nb)]
		if !ok {
			name = string(nb)
			d.names[name] = name
		}
		if len(d.b) == 0 {
			d.fail("missing field kind")
			return e
		}
		kind := d.b[0]
		v := event.Value{Kind: event.Kind(kind)}
		d.b = d.b[1:]
		switch v.Kind {
		case event.KindNull:
		case event.KindString, event.KindIP:
			v.Str = string(d.bytes())
		case event.KindInt64, event.KindTime:
			v = event.Int64Value(d.varint())
			v.Kind = event.Kind(kind)
		case event.KindUint64:
			v = event.Uint64Value(d.uvarint())
		case event.KindFloat64:
			if len(d.b) < 8 {
				d.fail("short float")
				return e
			}
			v = event.Float64Value(math.Float64frombits(binary.LittleEndian.Uint64(d.b)))
			d.b = d.b[8:]
		case event.KindBool:
			if len(d.b) == 0 || d.b[0] > 1 {
				d.fail("bad bool")
				return e
			}
			v = event.BoolValue(d.b[0] == 1)
			d.b = d.b[1:]
		default:
			d.fail(fmt.Sprintf("unknown kind %d", v.Kind))
			return e
		}
		e.Fields[i] = event.Field{Name: name, Value: v}
	}
	return e
}
