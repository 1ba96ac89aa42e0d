package column

import (
	"encoding/binary"
	"fmt"
)

// Frame-of-reference integers: min (8 bytes LE) | width u8 | (v - min) packed
// width bits each. Status codes (200…599) take 9 bits instead of 8 bytes.

func appendIntFOR(dst []byte, vals []int64, scratch []uint64) ([]byte, []uint64) {
	lo := int64(0)
	if len(vals) > 0 {
		lo = vals[0]
	}
	for _, v := range vals {
		lo = min(lo, v)
	}
	scratch = ReuseSlice(scratch, len(vals))
	var span uint64
	for i, v := range vals {
		d := uint64(v) - uint64(lo)
		scratch[i] = d
		span = max(span, d)
	}
	return appendFOR(dst, uint64(lo), span, scratch), scratch
}

func appendUintFOR(dst []byte, vals []uint64) []byte {
	lo := uint64(0)
	if len(vals) > 0 {
		lo = vals[0]
	}
	for _, v := range vals {
		lo = min(lo, v)
	}
	var span uint64
	for _, v := range vals {
		span = max(span, v-lo)
	}
	w := bitWidth(span)
	dst = binary.LittleEndian.AppendUint64(dst, lo)
	dst = append(dst, byte(w))
	return appendPacked(dst, vals, lo, w)
}

// appendFOR writes a frame whose offsets are already in offs.
func appendFOR(dst []byte, base, span uint64, offs []uint64) []byte {
	w := bitWidth(span)
	dst = binary.LittleEndian.AppendUint64(dst, base)
	dst = append(dst, byte(w))
	return packBits(dst, offs, w)
}

// appendPacked packs vals[i]-base, w bits each.
func appendPacked(dst []byte, vals []uint64, base uint64, w int) []byte {
	if w == 0 {
		return dst
	}
	var buf [64]uint64
	for len(vals) > 0 {
		k := copy(buf[:], vals)
		for i := range k {
			buf[i] -= base
		}
		dst = packBits(dst, buf[:k], w)
		vals = vals[k:]
	}
	return dst
}

// readFOR decodes a frame of n offsets filling p into dst and returns the base.
func readFOR(p []byte, n int, dst []uint64) (uint64, error) {
	base, used, err := readFORPrefix(p, n, dst)
	if err == nil && used != len(p) {
		err = fmt.Errorf("%d trailing bytes", len(p)-used)
	}
	return base, err
}

// readFORPrefix decodes a frame at the start of p and returns the bytes used.
func readFORPrefix(p []byte, n int, dst []uint64) (base uint64, used int, err error) {
	if len(p) < 9 {
		return 0, 0, errShortColumn
	}
	base, w := binary.LittleEndian.Uint64(p), int(p[8])
	used, err = unpackBits(p[9:], n, w, dst)
	return base, 9 + used, err
}

func decodeIntFOR(p []byte, n int, c *Column) error {
	c.Ints = ReuseSlice(c.Ints, c.Rows)
	if done, err := c.decodeFORRows(p, n, func(r int, v uint64) { c.Ints[r] = int64(v) }); done {
		return err
	}
	c.scratch = ReuseSlice(c.scratch, n)
	base, err := readFOR(p, n, c.scratch)
	if err != nil {
		return err
	}
	for i, d := range c.scratch[:n] {
		c.Ints[i] = int64(base + d)
	}
	return nil
}

func decodeUintFOR(p []byte, n int, c *Column) error {
	c.Uints = ReuseSlice(c.Uints, c.Rows)
	if done, err := c.decodeFORRows(p, n, func(r int, v uint64) { c.Uints[r] = v }); done {
		return err
	}
	base, err := readFOR(p, n, c.Uints)
	if err != nil {
		return err
	}
	for i := range c.Uints[:n] {
		c.Uints[i] += base
	}
	return nil
}
