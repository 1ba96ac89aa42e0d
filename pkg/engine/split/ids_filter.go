package split

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/bits"
	"os"
	"path/filepath"

	"github.com/cespare/xxhash/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// IDField holds a document's client-chosen id (IngestOptions.IDs,
// Elasticsearch's _id): a raw text field, searchable as `_id:abc`, which
// search hits carry like any other field.
const IDField = "_id"

// Each split holding document ids keeps a filter of them (ids.bin), loaded
// on the first ingest call with ids and kept: 2 bytes per id. It is a
// blocked bloom filter: the probes of one id fall in one 64-byte block, so
// a test costs one cache miss per split, and 16 bits per id give ~0.1%
// false positives, each settled by reading the id column of the blocks the
// term index points to (see idIndex).

const (
	SplitIDFile         = "ids.bin"
	IDFilterBitsPerID   = 16
	idFilterBlockBits   = 512
	idFilterProbes      = 7
	idFilterProbeBits   = 9 // log2(idFilterBlockBits)
	idFilterHeaderBytes = 4
)

// idHash is the filter's hash of an id; it is part of the file format.
func IDHash(id string) uint64 { return xxhash.Sum64String(id) }

// AppendIDFilter appends a filter of hashes: block count (uint32 LE), then
// the blocks.
func AppendIDFilter(dst []byte, hashes []uint64) []byte {
	nblocks := max(1, (len(hashes)*IDFilterBitsPerID+idFilterBlockBits-1)/idFilterBlockBits)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(nblocks))
	start := len(dst)
	dst = append(dst, make([]byte, nblocks*idFilterBlockBits/8)...)
	for _, h := range hashes {
		block := dst[start+idFilterBlockOf(h, nblocks)*idFilterBlockBits/8:][:idFilterBlockBits/8]
		g := idFilterProbeBitsOf(h)
		for i := 0; i < idFilterProbes; i++ {
			b := g & (idFilterBlockBits - 1)
			block[b>>3] |= 1 << (b & 7)
			g >>= idFilterProbeBits
		}
	}
	return dst
}

// idFilterBlockOf maps the hash's high bits onto the blocks (the probes
// use the low ones).
func idFilterBlockOf(h uint64, nblocks int) int {
	hi, _ := bits.Mul64(h, uint64(nblocks))
	return int(hi)
}

// idFilterProbeBitsOf remixes the hash so the probes do not reuse the
// bits that chose the block.
func idFilterProbeBitsOf(h uint64) uint64 { return h * 0x9E3779B97F4A7C15 }

// idFilter is a loaded filter.
type idFilter struct {
	nblocks int
	blocks  []byte
}

func ParseIDFilter(b []byte) (idFilter, error) {
	if len(b) < idFilterHeaderBytes {
		return idFilter{}, fmt.Errorf("id filter of %d bytes", len(b))
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n <= 0 || len(b)-idFilterHeaderBytes != n*idFilterBlockBits/8 {
		return idFilter{}, fmt.Errorf("id filter claims %d blocks in %d bytes", n, len(b))
	}
	return idFilter{nblocks: n, blocks: b[idFilterHeaderBytes:]}, nil
}

func (f idFilter) MayContain(h uint64) bool {
	block := f.blocks[idFilterBlockOf(h, f.nblocks)*idFilterBlockBits/8:][:idFilterBlockBits/8]
	g := idFilterProbeBitsOf(h)
	for i := 0; i < idFilterProbes; i++ {
		b := g & (idFilterBlockBits - 1)
		if block[b>>3]&(1<<(b&7)) == 0 {
			return false
		}
		g >>= idFilterProbeBits
	}
	return true
}

// appendIDHashes appends the hashes of events' ids, so a split written
// block by block collects them as it goes.
func appendIDHashes(hashes []uint64, events []event.Event) []uint64 {
	for i := range events {
		if v, ok := events[i].Get(IDField); ok && v.Kind == event.KindString {
			hashes = append(hashes, IDHash(v.Str))
		}
	}
	return hashes
}

// writeIDHashes writes the filter of the ids hashed into the split
// directory being built and records it in meta; no ids write nothing.
func writeIDHashes(path string, meta *Meta, hashes []uint64) error {
	if len(hashes) == 0 {
		return nil
	}
	b := AppendIDFilter(nil, hashes)
	if err := os.WriteFile(filepath.Join(path, SplitIDFile), b, 0o644); err != nil {
		return fmt.Errorf("write id filter: %w", err)
	}
	meta.IDs, meta.IDFilterCRC = len(hashes), crc32.Checksum(b, SplitCRCTable)
	return nil
}

// idFilter loads the split's id filter on first use.
func (s *Split) IDFilter() (idFilter, error) {
	s.idsOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(s.path, SplitIDFile))
		switch {
		case err != nil:
			s.idsErr = fmt.Errorf("split %s: read id filter: %w", s.Meta.ID, err)
		case crc32.Checksum(b, SplitCRCTable) != s.Meta.IDFilterCRC:
			s.idsErr = fmt.Errorf("split %s: %w: id filter checksum mismatch", s.Meta.ID, ErrCorrupt)
		default:
			s.ids, err = ParseIDFilter(b)
			if err != nil {
				s.idsErr = fmt.Errorf("split %s: %w: %v", s.Meta.ID, ErrCorrupt, err)
			}
		}
	})
	return s.ids, s.idsErr
}
