package split

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// Meta describes a split without its data: enough for a query to skip
// splits and blocks by time, seq and per-field bounds, and to locate and
// verify every column chunk.
type Meta struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	// MinTime and MaxTime are Unix nanoseconds, inclusive.
	MinTime int64  `json:"min_time"`
	MaxTime int64  `json:"max_time"`
	Rows    int    `json:"rows"`
	MinSeq  uint64 `json:"min_seq"`
	MaxSeq  uint64 `json:"max_seq"`
	// Fields maps each field present in any row to its kinds and bounds.
	Fields map[string]FieldMeta `json:"fields"`
	Blocks []BlockMeta          `json:"blocks"`
	// GranuleRows is the number of rows per term-index document; blocks hold
	// a whole number of granules.
	GranuleRows int `json:"granule_rows"`
	// SizeBytes is the split's size on disk: data, term index and metadata.
	SizeBytes int64 `json:"size_bytes"`
	// TermFiles maps each term-index file (relative path) to its CRC32C, so a
	// damaged index is refused before bleve reads it.
	TermFiles map[string]uint32 `json:"term_files"`
	// Blooms maps a field to its per-granule bloom filters (see
	// termindex_bloom.go); BloomCRC is the CRC32C of the bloom file.
	Blooms   map[string][]BloomRef `json:"blooms,omitempty"`
	BloomCRC uint32                `json:"bloom_crc"`
	// TermsVersion is the version of the tokenizer rules the term index was
	// built with (tokenize.go); 0, absent, is the Unicode word segmenter of
	// splits written before Triage followed Quickwit's tokenizers.
	TermsVersion int `json:"terms_version,omitempty"`
	// IDs counts the events with a document id (IDField); IDFilterCRC is
	// the CRC32C of their filter file (ids_filter.go), present when IDs > 0.
	IDs         int    `json:"ids,omitempty"`
	IDFilterCRC uint32 `json:"id_filter_crc,omitempty"`
	// MergeOps counts the merges the split's events went through (0 for a
	// flush), as Quickwit's num_merge_ops: the merge policy combines splits
	// of the same count, so a merged split is not rewritten to add flushes.
	MergeOps int `json:"merge_ops,omitempty"`
}

// FieldMeta summarizes one field over a split (or, in ChunkMeta, a block).
type FieldMeta struct {
	// Kinds lists every kind the field held; several for a dynamic field.
	Kinds     []event.Kind `json:"kinds"`
	Tokenizer string       `json:"tokenizer,omitempty"`
	Indexed   bool         `json:"indexed,omitempty"`
	// Bounds has one entry per orderable kind whose range is known.
	Bounds []column.Bounds `json:"bounds,omitempty"`
}

// BlockMeta locates one block of rows: its ranges and its column chunks.
type BlockMeta struct {
	Rows    int    `json:"rows"`
	MinTime int64  `json:"min_time"`
	MaxTime int64  `json:"max_time"`
	MinSeq  uint64 `json:"min_seq"`
	MaxSeq  uint64 `json:"max_seq"`
	// Time and Seq are the chunks of the event timestamps and seq numbers.
	Time    column.ChunkMeta            `json:"time"`
	Seq     column.ChunkMeta            `json:"seq"`
	Columns map[string]column.ChunkMeta `json:"columns"`
}

const (
	SplitMetaFile  = "meta.bin"
	SplitDataFile  = "columns.bin"
	SplitTermsDir  = "terms"
	splitBloomFile = "blooms.bin"
	// splitMetaVersion 2 added prefixed-number string chunks; a build
	// reads every version up to its own, and an older build refuses a newer
	// split by its version instead of reporting its chunks as damaged.
	splitMetaVersion = 2
)

// splitMetaMagic opens the metadata file: "TRSM", then the JSON, then the
// CRC32C of magic+JSON (4 bytes LE).
var splitMetaMagic = []byte("TRSM")

var SplitCRCTable = crc32.MakeTable(crc32.Castagnoli)

func encodeSplitMeta(m *Meta) ([]byte, error) {
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode split meta %s: %w", m.ID, err)
	}
	b := append(append(make([]byte, 0, len(js)+8), splitMetaMagic...), js...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, SplitCRCTable)), nil
}

// decodeSplitMeta checks and parses a metadata file; damage yields ErrCorruptSplit.
func decodeSplitMeta(b []byte) (Meta, error) {
	var m Meta
	if len(b) < len(splitMetaMagic)+4 || !bytes.HasPrefix(b, splitMetaMagic) {
		return m, fmt.Errorf("%w: metadata header is missing", ErrCorrupt)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, SplitCRCTable) != sum {
		return m, fmt.Errorf("%w: metadata checksum mismatch", ErrCorrupt)
	}
	if err := json.Unmarshal(body[len(splitMetaMagic):], &m); err != nil {
		return m, fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}
	if err := m.validate(); err != nil {
		return Meta{}, fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}
	return m, nil
}

// validate checks the invariants the reader relies on, so that metadata with
// a valid checksum but impossible content is still refused, not trusted.
func (m *Meta) validate() error {
	if m.Version < 1 || m.Version > splitMetaVersion {
		return fmt.Errorf("version %d, this build reads 1 to %d", m.Version, splitMetaVersion)
	}
	if m.GranuleRows <= 0 {
		return fmt.Errorf("granule_rows %d", m.GranuleRows)
	}
	if m.MergeOps < 0 {
		return fmt.Errorf("merge_ops %d", m.MergeOps)
	}
	rows := 0
	for i, b := range m.Blocks {
		if b.Rows <= 0 || b.Rows > column.MaxChunkRows {
			return fmt.Errorf("block %d has %d rows", i, b.Rows)
		}
		if i < len(m.Blocks)-1 && b.Rows%m.GranuleRows != 0 {
			return fmt.Errorf("block %d: %d rows is not a multiple of granule_rows %d", i, b.Rows, m.GranuleRows)
		}
		for _, c := range b.chunks() {
			if c.Offset < 0 || c.Length < 0 || c.Present < 0 || c.Present > b.Rows {
				return fmt.Errorf("block %d has a chunk out of range", i)
			}
		}
		rows += b.Rows
	}
	if rows != m.Rows {
		return fmt.Errorf("blocks hold %d rows, metadata says %d", rows, m.Rows)
	}
	return nil
}

// chunks lists every chunk of the block.
func (b *BlockMeta) chunks() []column.ChunkMeta {
	out := append(make([]column.ChunkMeta, 0, 2+len(b.Columns)), b.Time, b.Seq)
	for _, c := range b.Columns {
		out = append(out, c)
	}
	return out
}

// ReadMeta reads a split's metadata without opening its data, so a
// catalog can prune splits at start-up and per query cheaply.
func ReadMeta(path string) (Meta, error) {
	b, err := os.ReadFile(filepath.Join(path, SplitMetaFile))
	if err != nil {
		return Meta{}, fmt.Errorf("read split meta %s: %w", path, err)
	}
	m, err := decodeSplitMeta(b)
	if err != nil {
		return Meta{}, fmt.Errorf("split %s: %w", path, err)
	}
	return m, nil
}

// GranuleBlock returns the block holding granule g and the granule's row range in it.
func (m *Meta) GranuleBlock(g int) (block, lo, hi int) {
	row := g * m.GranuleRows
	for i, b := range m.Blocks {
		if row < b.Rows {
			return i, row, min(row+m.GranuleRows, b.Rows)
		}
		row -= b.Rows
	}
	return -1, 0, 0
}
