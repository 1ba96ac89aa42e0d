package column

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Hex strings: when every value of a block is lowercase hex of one even
// length (trace ids, span ids, hashes), store the decoded bytes: byte length
// uvarint | bytes. Halves the size of random ids that snappy cannot shrink.

// hexWidth returns the decoded byte length shared by all vals, or false.
func hexWidth(vals []string) (int, bool) {
	if len(vals) == 0 || len(vals[0]) == 0 || len(vals[0])%2 != 0 {
		return 0, false
	}
	w := len(vals[0])
	for _, v := range vals {
		if len(v) != w {
			return 0, false
		}
		// A table and an OR over each value: trace ids make this run over
		// every character of the column at each flush and merge.
		var bad byte
		for i := 0; i < len(v); i++ {
			bad |= notLowerHex[v[i]]
		}
		if bad != 0 {
			return 0, false
		}
	}
	return w / 2, true
}

// notLowerHex is 1 for every byte that is not 0-9 or a-f.
var notLowerHex = func() (t [256]byte) {
	for c := range t {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			t[c] = 1
		}
	}
	return t
}()

func appendStrHex(dst []byte, vals []string, width int) []byte {
	dst = binary.AppendUvarint(dst, uint64(width))
	for _, v := range vals {
		// hexWidth validated v, so decoding cannot fail.
		dst, _ = hex.AppendDecode(dst, []byte(v))
	}
	return dst
}

func decodeStrHex(p []byte, n int, c *Column) error {
	w, k := binary.Uvarint(p)
	if k <= 0 || w == 0 || w > uint64(len(p)) {
		return fmt.Errorf("bad hex width")
	}
	p = p[k:]
	if uint64(len(p)) != w*uint64(n) {
		return fmt.Errorf("%d bytes for %d values of %d bytes", len(p), n, w)
	}
	if c.Borrow && n == c.Rows {
		// Every row present: a row's bytes are found without the others.
		c.hexRaw, c.hexWidth = p, int(w)
		return nil
	}
	c.buf = ReuseSlice(c.buf, 2*len(p))
	hex.Encode(c.buf, p)
	all := bytesString(c.buf, c.Borrow)
	c.Strs = ReuseSlice(c.Strs, c.Rows)
	step := int(2 * w)
	for i := range n {
		c.Strs[i] = all[i*step : (i+1)*step]
	}
	return nil
}
