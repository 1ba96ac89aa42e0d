package split

import (
	"fmt"
	"hash/crc32"

	"github.com/golang/snappy"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// ReadColumn decodes field's chunk of block into dst, reusing dst's slices.
// The chunk's CRC32C is checked first; damage yields an error wrapping
// ErrCorrupt that names the split, block and field. A field absent from
// the block decodes as a column of KindNull with no row present.
func (s *Split) ReadColumn(block int, field string, dst *column.Column) error {
	if block < 0 || block >= len(s.Meta.Blocks) {
		return fmt.Errorf("split %s: block %d out of range [0, %d)", s.Meta.ID, block, len(s.Meta.Blocks))
	}
	bm := &s.Meta.Blocks[block]
	cm, ok := bm.Columns[field]
	if !ok {
		dst.Reset(event.KindNull, column.EncNone, bm.Rows)
		clear(dst.Present)
		return nil
	}
	return s.readChunk(block, field, cm, dst)
}

// ReadTimestamps decodes the event timestamps (Unix ns) of block into dst.
func (s *Split) ReadTimestamps(block int, dst *column.Column) ([]int64, error) {
	if block < 0 || block >= len(s.Meta.Blocks) {
		return nil, fmt.Errorf("split %s: block %d out of range [0, %d)", s.Meta.ID, block, len(s.Meta.Blocks))
	}
	if err := s.readChunk(block, "(timestamp)", s.Meta.Blocks[block].Time, dst); err != nil {
		return nil, err
	}
	return dst.Ints[:dst.Rows], nil
}

// ReadSeqs decodes the event seq numbers of block into dst.
func (s *Split) ReadSeqs(block int, dst *column.Column) ([]uint64, error) {
	if block < 0 || block >= len(s.Meta.Blocks) {
		return nil, fmt.Errorf("split %s: block %d out of range [0, %d)", s.Meta.ID, block, len(s.Meta.Blocks))
	}
	if err := s.readChunk(block, "(seq)", s.Meta.Blocks[block].Seq, dst); err != nil {
		return nil, err
	}
	return dst.Uints[:dst.Rows], nil
}

func (s *Split) readChunk(block int, field string, cm column.ChunkMeta, dst *column.Column) error {
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("split %s block %d field %q: %w: %s", s.Meta.ID, block, field, ErrCorrupt, fmt.Sprintf(format, args...))
	}
	dst.Zbuf = column.ReuseSlice(dst.Zbuf, cm.Length)
	if _, err := s.data.ReadAt(dst.Zbuf, cm.Offset); err != nil {
		return fmt.Errorf("split %s block %d field %q: read chunk: %w", s.Meta.ID, block, field, err)
	}
	if crc32.Checksum(dst.Zbuf, SplitCRCTable) != cm.CRC {
		return corrupt("chunk checksum mismatch")
	}
	n, err := snappy.DecodedLen(dst.Zbuf)
	if err != nil || n > maxChunkBytes {
		return corrupt("chunk is not snappy data")
	}
	dst.Plain = column.ReuseSlice(dst.Plain, n)
	plain, err := snappy.Decode(dst.Plain, dst.Zbuf)
	if err != nil {
		return corrupt("decompress chunk: %v", err)
	}
	if err := column.DecodeChunk(plain, s.Meta.Blocks[block].Rows, dst); err != nil {
		return corrupt("%v", err)
	}
	return nil
}

// maxChunkBytes bounds a chunk's decompressed size, so damaged length
// headers cannot make the reader allocate without limit.
const maxChunkBytes = 1 << 30

// ReadEvents rebuilds whole events of block for the given rows (all rows
// when rows is nil), appended to dst: the log lines of a search's hits.
// Fields come back sorted by name; everything else equals what was written.
func (s *Split) ReadEvents(block int, rows []int, dst []event.Event) ([]event.Event, error) {
	var ts, seq, col column.Column
	times, err := s.ReadTimestamps(block, &ts)
	if err != nil {
		return dst, err
	}
	seqs, err := s.ReadSeqs(block, &seq)
	if err != nil {
		return dst, err
	}
	if rows == nil {
		rows = make([]int, len(times))
		for i := range rows {
			rows[i] = i
		}
	}
	for _, r := range rows {
		if r < 0 || r >= len(times) {
			return dst, fmt.Errorf("split %s block %d: row %d out of range [0, %d)", s.Meta.ID, block, r, len(times))
		}
	}
	start := len(dst)
	for _, r := range rows {
		dst = append(dst, event.Event{Timestamp: times[r], Seq: seqs[r]})
	}
	for _, name := range s.FieldNames {
		if _, ok := s.Meta.Blocks[block].Columns[name]; !ok {
			continue
		}
		if err := s.ReadColumn(block, name, &col); err != nil {
			return dst[:start], err
		}
		for i, r := range rows {
			if v, ok := col.Value(r); ok {
				dst[start+i].Fields = append(dst[start+i].Fields, event.Field{Name: name, Value: v})
			}
		}
	}
	return dst, nil
}
