package engine

// blockReader decodes the columns of one block on demand and keeps them
// for the filters and aggregations that ask for the same field, so each
// chunk is read and decompressed at most once per block. Its Columns are
// reused from block to block.
type blockReader struct {
	split  *Split
	block  int
	rows   int
	cols   map[string]*blockColumn
	times  Column
	tsOK   bool
	tsVals []int64
	seq    Column
	seqOK  bool
	seqs   []uint64
}

// blockColumn is one cached column and the block it was decoded for.
type blockColumn struct {
	col    Column
	split  *Split
	block  int
	loaded bool
}

func newBlockReader() *blockReader {
	return &blockReader{cols: map[string]*blockColumn{}}
}

// reset points the reader at a new block, invalidating cached columns.
func (br *blockReader) reset(s *Split, block int) {
	br.split, br.block, br.rows = s, block, s.Meta.Blocks[block].Rows
	br.tsOK, br.seqOK = false, false
	for _, c := range br.cols {
		c.loaded = false
	}
}

// column returns field's decoded column for the current block.
func (br *blockReader) column(field string) (*Column, error) {
	c := br.cols[field]
	if c == nil {
		c = &blockColumn{}
		br.cols[field] = c
	}
	if !c.loaded {
		if err := br.split.ReadColumn(br.block, field, &c.col); err != nil {
			return nil, err
		}
		c.loaded = true
	}
	return &c.col, nil
}

// timestamps returns the current block's event timestamps.
func (br *blockReader) timestamps() ([]int64, error) {
	if !br.tsOK {
		ts, err := br.split.ReadTimestamps(br.block, &br.times)
		if err != nil {
			return nil, err
		}
		br.tsVals, br.tsOK = ts, true
	}
	return br.tsVals, nil
}

// seqNumbers returns the current block's event seq numbers.
func (br *blockReader) seqNumbers() ([]uint64, error) {
	if !br.seqOK {
		s, err := br.split.ReadSeqs(br.block, &br.seq)
		if err != nil {
			return nil, err
		}
		br.seqs, br.seqOK = s, true
	}
	return br.seqs, nil
}
