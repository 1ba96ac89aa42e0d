package search

import (
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"strings"
)

// BlockReader decodes the columns of one block on demand and keeps them
// for the filters and aggregations that ask for the same field, so each
// chunk is read and decompressed at most once per block. Its Columns are
// reused from block to block.
type BlockReader struct {
	Split  *split.Split
	Block  int
	rows   int
	cols   map[string]*blockColumn
	times  column.Column
	tsOK   bool
	tsVals []int64
	seq    column.Column
	seqOK  bool
	seqs   []uint64
}

// blockColumn is one cached column and the block it was decoded for.
type blockColumn struct {
	col    column.Column
	split  *split.Split
	block  int
	loaded bool
}

func NewBlockReader() *BlockReader {
	return &BlockReader{cols: map[string]*blockColumn{}}
}

// Reset points the reader at a new block, invalidating cached columns.
func (br *BlockReader) Reset(s *split.Split, block int) {
	br.Split, br.Block, br.rows = s, block, s.Meta.Blocks[block].Rows
	br.tsOK, br.seqOK = false, false
	for _, c := range br.cols {
		c.loaded = false
	}
}

// columnsLoaded reports whether any column of the current block is decoded
// (timestamps and seq numbers aside).
func (br *BlockReader) columnsLoaded() bool {
	for _, c := range br.cols {
		if c.loaded {
			return true
		}
	}
	return false
}

// Column returns field's decoded column for the current block; its
// strings are the caller's to keep.
func (br *BlockReader) Column(field string) (*column.Column, error) {
	return br.column(field, nil)
}

// column decodes field for the current block. With only (the rows of
// Events, which copies a few rows' values out of the block), its strings
// alias the reader's buffers (column.Column.Borrow) and only those rows
// may be decoded (column.Column.Only). A column decoded that way is
// decoded again for any later caller; a whole one serves every caller.
func (br *BlockReader) column(field string, only []int) (*column.Column, error) {
	c := br.cols[field]
	if c == nil {
		c = &blockColumn{}
		br.cols[field] = c
	}
	if c.loaded && (c.col.Only != nil || c.col.Borrow && only == nil) {
		c.loaded = false
	}
	if !c.loaded {
		c.col.Borrow, c.col.Only = only != nil, only
		if err := br.Split.ReadColumn(br.Block, field, &c.col); err != nil {
			return nil, err
		}
		c.loaded = true
	}
	return &c.col, nil
}

// Timestamps returns the current block's event timestamps.
func (br *BlockReader) Timestamps() ([]int64, error) {
	if !br.tsOK {
		ts, err := br.Split.ReadTimestamps(br.Block, &br.times)
		if err != nil {
			return nil, err
		}
		br.tsVals, br.tsOK = ts, true
	}
	return br.tsVals, nil
}

// SeqNumbers returns the current block's event seq numbers.
func (br *BlockReader) SeqNumbers() ([]uint64, error) {
	if !br.seqOK {
		s, err := br.Split.ReadSeqs(br.Block, &br.seq)
		if err != nil {
			return nil, err
		}
		br.seqs, br.seqOK = s, true
	}
	return br.seqs, nil
}

// rowTimes returns timestamps and seq numbers valid at rows: the block's
// own when decoded already, else only those rows' (column.Column.Only),
// which are not kept for other callers.
func (br *BlockReader) rowTimes(rows []int) ([]int64, []uint64, error) {
	if br.tsOK && br.seqOK {
		return br.tsVals, br.seqs, nil
	}
	br.times.Borrow, br.times.Only = true, rows
	br.seq.Borrow, br.seq.Only = true, rows
	defer func() {
		br.times.Borrow, br.times.Only = false, nil
		br.seq.Borrow, br.seq.Only = false, nil
	}()
	br.tsOK, br.seqOK = false, false
	ts, err := br.Split.ReadTimestamps(br.Block, &br.times)
	if err != nil {
		return nil, nil, err
	}
	seqs, err := br.Split.ReadSeqs(br.Block, &br.seq)
	return ts, seqs, err
}

// Events rebuilds whole events of the current block for rows, appended to
// dst, as Split.ReadEvents does but reusing the reader's decode buffers
// from block to block: a page of hits spread over many blocks then costs
// the decoding, not the allocation of every chunk's buffers.
func (br *BlockReader) Events(rows []int, dst []event.Event) ([]event.Event, error) {
	ts, seqs, err := br.rowTimes(rows)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	cols := br.Split.Meta.Blocks[br.Block].Columns
	for _, r := range rows {
		dst = append(dst, event.Event{Timestamp: ts[r], Seq: seqs[r], Fields: make([]event.Field, 0, len(cols))})
	}
	for _, name := range br.Split.FieldNames {
		if _, ok := cols[name]; !ok {
			continue
		}
		// Only the rows are decoded where the encoding allows, and only
		// their strings copied, not the block's.
		col, err := br.column(name, rows)
		if err != nil {
			return dst[:start], err
		}
		for i, r := range rows {
			if v, ok := col.Value(r); ok {
				if v.Str != "" {
					v.Str = strings.Clone(v.Str)
				}
				dst[start+i].Fields = append(dst[start+i].Fields, event.Field{Name: name, Value: v})
			}
		}
	}
	return dst, nil
}
