package column

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// errShortColumn reports a chunk body that ends before its declared values.
var errShortColumn = errors.New("column body is truncated")

// bitWidth is the number of bits needed to store every value up to max.
func bitWidth(max uint64) int { return bits.Len64(max) }

// packBits appends vals, each w bits wide (w ≤ 64), little-endian bit order.
func packBits(dst []byte, vals []uint64, w int) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	var n int
	put := func(v uint64, w int) {
		acc |= v << n
		n += w
		for n >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	for _, v := range vals {
		if w > 32 {
			put(v&0xffffffff, 32)
			put(v>>32&(1<<(w-32)-1), w-32)
		} else {
			put(v&(1<<w-1), w)
		}
	}
	if n > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// packedLen is the byte length of n values packed w bits wide.
func packedLen(n, w int) int { return (n*w + 7) / 8 }

// unpackBits decodes n values of w bits from src into dst[:n] and returns
// the bytes consumed. Values up to 56 bits wide are read with one 8-byte
// load each while 8 bytes remain; the last few, and wider values, bit by
// byte.
func unpackBits(src []byte, n, w int, dst []uint64) (int, error) {
	if w < 0 || w > 64 {
		return 0, errors.New("bit width out of range")
	}
	size := packedLen(n, w)
	if n < 0 || size > len(src) || size < 0 {
		return 0, errShortColumn
	}
	if w == 0 {
		clear(dst[:n])
		return 0, nil
	}
	i := 0
	if w <= 56 {
		mask := uint64(1)<<w - 1
		for ; i < n; i++ {
			o := i * w
			b := o >> 3
			if b+8 > len(src) {
				break
			}
			dst[i] = binary.LittleEndian.Uint64(src[b:]) >> (o & 7) & mask
		}
	}
	for ; i < n; i++ {
		o := i * w
		var v uint64
		for k := 0; k < w; {
			bit := (o + k) & 7
			take := min(8-bit, w-k)
			v |= uint64(src[(o+k)>>3]>>bit&(1<<take-1)) << k
			k += take
		}
		dst[i] = v
	}
	return size, nil
}
