package split

import (
	"encoding/binary"
	"fmt"
	"math"
)

// High-cardinality terms (trace ids, user ids, numbers in messages) are kept
// out of bleve. On 1M incident events (BenchmarkWriteSplitGranules) bleve
// holding every term costs 88 B/event and builds at 73k events/s; with these
// terms in bloom filters the term index costs 3.8 B/event (0.13 bleve + 3.7
// bloom) and the split builds at ~300k events/s. A granule whose field has
// more than bloomMinShare distinct terms per row (and over 64) stores that
// field's terms in a bloom filter instead (bloomBitsPerTerm bits per term,
// bloomHashes probes: ~1% false positives, which only cost a scan).

const (
	bloomMinShare    = 0.25
	bloomBitsPerTerm = 10
	bloomHashes      = 7
)

// BloomRef locates one granule's bloom filter of one field in the bloom
// file; Length 0 means the granule's terms of that field are in bleve.
type BloomRef struct {
	Offset int64 `json:"off,omitempty"`
	Length int   `json:"len,omitempty"`
}

// bloomHash is FNV-1a 64 split into the two halves of double hashing; it is
// part of the file format, so it must never change.
func bloomHash(term string) (uint32, uint32) {
	h := uint64(14695981039346656037)
	for i := 0; i < len(term); i++ {
		h ^= uint64(term[i])
		h *= 1099511628211
	}
	return uint32(h), uint32(h>>32) | 1
}

// appendBloom appends a filter holding terms: bit count (uint32 LE) then bits.
func appendBloom(dst []byte, terms map[string]struct{}) []byte {
	nbits := uint32(max(64, len(terms)*bloomBitsPerTerm+63) / 64 * 64)
	dst = binary.LittleEndian.AppendUint32(dst, nbits)
	start := len(dst)
	dst = append(dst, make([]byte, nbits/8)...)
	bits := dst[start:]
	for t := range terms {
		h1, h2 := bloomHash(t)
		for i := uint32(0); i < bloomHashes; i++ {
			b := (h1 + i*h2) % nbits
			bits[b>>3] |= 1 << (b & 7)
		}
	}
	return dst
}

// bloomMayContain tests a filter written by appendBloom.
func bloomMayContain(filter []byte, term string) (bool, error) {
	if len(filter) < 4 {
		return false, fmt.Errorf("bloom filter of %d bytes", len(filter))
	}
	nbits := binary.LittleEndian.Uint32(filter)
	bits := filter[4:]
	if nbits == 0 || uint64(nbits) != uint64(len(bits))*8 {
		return false, fmt.Errorf("bloom filter claims %d bits in %d bytes", nbits, len(bits))
	}
	h1, h2 := bloomHash(term)
	for i := uint32(0); i < bloomHashes; i++ {
		b := (h1 + i*h2) % nbits
		if bits[b>>3]&(1<<(b&7)) == 0 {
			return false, nil
		}
	}
	return true, nil
}

// useBloom decides where a granule's terms of one field go.
func useBloom(distinct, rows int) bool {
	return float64(distinct) > math.Max(bloomMinShare*float64(rows), 64)
}
