package column

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Sparse decoding: a search's hits need a few rows of each block they lie
// in, and decoding those blocks whole cost most of a needle search. A
// profile of the newest 100 hits of a rare token over 10M events (hits
// ~6 to a block) spent 16% of its CPU formatting every prefixed-number id
// and ~12% unpacking every dictionary id and integer. With Column.Only set
// (and Borrow), those decoders read the frame in place and fill only the
// rows asked for.

// forFrame is a frame-of-reference frame (column_for.go) read one value at
// a time; its length was checked against its count.
type forFrame struct {
	base   uint64
	w      int
	packed []byte
}

// readFORFrame checks that p holds exactly a frame of n values.
func readFORFrame(p []byte, n int) (forFrame, error) {
	if len(p) < 9 {
		return forFrame{}, errShortColumn
	}
	f := forFrame{base: binary.LittleEndian.Uint64(p), w: int(p[8]), packed: p[9:]}
	if f.w > 64 {
		return forFrame{}, fmt.Errorf("bit width %d out of range", f.w)
	}
	if size := packedLen(n, f.w); size > len(f.packed) {
		return forFrame{}, errShortColumn
	} else if size < len(f.packed) {
		return forFrame{}, fmt.Errorf("%d trailing bytes", len(f.packed)-size)
	}
	return f, nil
}

// at returns value i of the frame, base added, as unpackBits would.
func (f forFrame) at(i int) uint64 {
	if f.w == 0 {
		return f.base
	}
	o := i * f.w
	if b := o >> 3; f.w <= 56 && b+8 <= len(f.packed) {
		return f.base + binary.LittleEndian.Uint64(f.packed[b:])>>(o&7)&(1<<f.w-1)
	}
	var v uint64
	for k := 0; k < f.w; {
		bit := (o + k) & 7
		take := min(8-bit, f.w-k)
		v |= uint64(f.packed[(o+k)>>3]>>bit&(1<<take-1)) << k
		k += take
	}
	return f.base + v
}

// sparseRows returns the present rows of Only and, for each, the index of
// its value among the n values of the chunk body; ok is false when the
// column is to be decoded whole.
func (c *Column) sparseRows(n int) (rows, dense []int, ok bool, err error) {
	if !c.Borrow || c.Only == nil {
		return nil, nil, false, nil
	}
	c.onlyPresent, c.dense = c.onlyPresent[:0], c.dense[:0]
	for _, r := range c.Only {
		if r < 0 || r >= c.Rows {
			return nil, nil, false, fmt.Errorf("row %d out of range [0, %d)", r, c.Rows)
		}
		if !c.IsPresent(r) {
			continue
		}
		d := r
		if n != c.Rows {
			d = c.rank(r)
		}
		c.onlyPresent, c.dense = append(c.onlyPresent, r), append(c.dense, d)
	}
	return c.onlyPresent, c.dense, true, nil
}

// decodeFORRows fills only the rows of Only from a frame of n values with
// set, when the column is decoded sparsely; done is false when it is to
// be decoded whole.
func (c *Column) decodeFORRows(p []byte, n int, set func(row int, v uint64)) (done bool, err error) {
	rows, dense, sparse, err := c.sparseRows(n)
	if err != nil || !sparse {
		return err != nil, err
	}
	f, err := readFORFrame(p, n)
	if err != nil {
		return true, err
	}
	for j, r := range rows {
		set(r, f.at(dense[j]))
	}
	c.placed = true
	return true, nil
}

// rank counts the present rows before row.
func (c *Column) rank(row int) int {
	n := 0
	for _, w := range c.Present[:row>>6] {
		n += bits.OnesCount64(w)
	}
	return n + bits.OnesCount64(c.Present[row>>6]&(1<<(row&63)-1))
}
