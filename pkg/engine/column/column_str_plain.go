package column

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Plain strings: the lengths as a frame of reference, then the bytes. Fixed-
// length values (trace ids) spend no bits on lengths. Decoding converts the
// bytes to one string and slices it, so a block costs one allocation.

func appendStrPlain(dst []byte, vals []string, scratch []uint64) ([]byte, []uint64) {
	scratch = ReuseSlice(scratch, len(vals))
	lo, hi := ^uint64(0), uint64(0)
	for i, v := range vals {
		scratch[i] = uint64(len(v))
		lo, hi = min(lo, scratch[i]), max(hi, scratch[i])
	}
	if len(vals) == 0 {
		lo = 0
	}
	for i := range scratch {
		scratch[i] -= lo
	}
	dst = appendFOR(dst, lo, hi-lo, scratch)
	for _, v := range vals {
		dst = append(dst, v...)
	}
	return dst, scratch
}

// bytesString is b as one string, from which a column's rows are sliced:
// with borrow it aliases b (valid until b is reused, see Column.Borrow),
// otherwise it is a copy, so the block costs one allocation.
func bytesString(b []byte, borrow bool) string {
	if borrow && len(b) > 0 {
		return unsafe.String(&b[0], len(b))
	}
	return string(b)
}

// readStrings decodes n plain strings at the start of p into dst[:n] and
// returns the bytes used.
func readStrings(p []byte, n int, dst []string, scratch []uint64) (int, []uint64, error) {
	return readStringsInto(p, n, dst, scratch, false)
}

// readStringsInto is readStrings; with borrow the strings alias p.
func readStringsInto(p []byte, n int, dst []string, scratch []uint64, borrow bool) (int, []uint64, error) {
	scratch = ReuseSlice(scratch, n)
	base, used, err := readFORPrefix(p, n, scratch)
	if err != nil {
		return 0, scratch, err
	}
	data := p[used:]
	total := 0
	for _, o := range scratch[:n] {
		l := base + o
		if l > uint64(len(data)-total) {
			return 0, scratch, fmt.Errorf("string lengths exceed the %d data bytes", len(data))
		}
		total += int(l)
	}
	all := bytesString(data[:total], borrow)
	off := 0
	for i, o := range scratch[:n] {
		l := int(base + o)
		dst[i] = all[off : off+l]
		off += l
	}
	return used + total, scratch, nil
}

func decodeStrPlain(p []byte, n int, c *Column) error {
	if rows, dense, sparse, err := c.sparseRows(n); err != nil || sparse {
		if err != nil {
			return err
		}
		return c.decodeStrPlainRows(p, n, rows, dense)
	}
	c.Strs = ReuseSlice(c.Strs, c.Rows)
	used, scratch, err := readStringsInto(p, n, c.Strs, c.scratch, c.Borrow)
	c.scratch = scratch
	if err == nil && used != len(p) {
		err = fmt.Errorf("%d trailing bytes", len(p)-used)
	}
	return err
}

// decodeStrPlainRows is decodeStrPlain for the rows of Only: every length
// is read to find where each value starts, as the whole decode checks
// them, but only the rows' strings are made, borrowed.
func (c *Column) decodeStrPlainRows(p []byte, n int, rows, dense []int) error {
	if len(p) < 9 {
		return errShortColumn
	}
	w := int(p[8])
	if w > 64 {
		return fmt.Errorf("bit width %d out of range", w)
	}
	size := packedLen(n, w)
	if 9+size > len(p) {
		return errShortColumn
	}
	lengths := forFrame{base: binary.LittleEndian.Uint64(p), w: w, packed: p[9 : 9+size]}
	data := p[9+size:]
	// scratch[i] is where value i starts; scratch[n] where the data ends.
	c.scratch = ReuseSlice(c.scratch, n+1)
	total := uint64(0)
	for i := range n {
		c.scratch[i] = total
		l := lengths.at(i)
		if l > uint64(len(data))-total {
			return fmt.Errorf("string lengths exceed the %d data bytes", len(data))
		}
		total += l
	}
	if total != uint64(len(data)) {
		return fmt.Errorf("%d trailing bytes", uint64(len(data))-total)
	}
	c.scratch[n] = total
	all := bytesString(data, true)
	c.Strs = ReuseSlice(c.Strs, c.Rows)
	for j, r := range rows {
		c.Strs[r] = all[c.scratch[dense[j]]:c.scratch[dense[j]+1]]
	}
	c.placed = true
	return nil
}
