package column

import "fmt"

// Bools: a bitmap, one bit per present value.

func appendBool(dst []byte, vals []bool) []byte {
	var b byte
	for i, v := range vals {
		if v {
			b |= 1 << (i & 7)
		}
		if i&7 == 7 {
			dst = append(dst, b)
			b = 0
		}
	}
	if len(vals)&7 != 0 {
		dst = append(dst, b)
	}
	return dst
}

func decodeBool(p []byte, n int, c *Column) error {
	if len(p) != (n+7)/8 {
		return fmt.Errorf("%d bytes for %d bools", len(p), n)
	}
	c.Bools = ReuseSlice(c.Bools, c.Rows)
	for i := range n {
		c.Bools[i] = p[i>>3]&(1<<(i&7)) != 0
	}
	return nil
}
