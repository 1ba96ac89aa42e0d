package column

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Prefixed numbers: ids such as user-0369614, order_42 or 1700000000123
// (one prefix, then a decimal number) are stored as the prefix once and the
// numbers frame-of-reference packed: 20 bits for one of a million users,
// where snappy shrank the 12 bytes of text to ~6.7 (issue 14). The numbers
// have either one fixed number of digits (leading zeros kept) or each its
// own, written without leading zeros (digits 0 in the header).
//
//	uvarint(len(prefix)) | prefix | digits u8 | FOR frame of the numbers

// maxPrefixDigits keeps every number below 10^19, inside a uint64.
const maxPrefixDigits = 19

// prefixNumber reports the prefix shared by vals when each is that prefix
// followed by 1 to 19 ASCII digits, and the digit count when it is the same
// for all (0 when the numbers vary in width but none has a leading zero).
func prefixNumber(vals []string) (prefix string, digits int, ok bool) {
	if len(vals) == 0 {
		return "", 0, false
	}
	first := vals[0]
	n := 0
	for n < len(first) && n <= maxPrefixDigits && isDigit(first[len(first)-1-n]) {
		n++
	}
	if n == 0 || n > maxPrefixDigits {
		return "", 0, false
	}
	prefix = first[:len(first)-n]
	fixed, canonical := true, true
	for _, v := range vals {
		if len(v) <= len(prefix) || len(v) > len(prefix)+maxPrefixDigits || v[:len(prefix)] != prefix {
			return "", 0, false
		}
		num := v[len(prefix):]
		for i := range len(num) {
			if !isDigit(num[i]) {
				return "", 0, false
			}
		}
		fixed = fixed && len(num) == n
		canonical = canonical && (num[0] != '0' || len(num) == 1)
	}
	switch {
	case fixed:
		return prefix, n, true
	case canonical:
		return prefix, 0, true
	}
	return "", 0, false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func appendStrPrefixNum(dst []byte, vals []string, prefix string, digits int, scratch []uint64) ([]byte, []uint64) {
	dst = binary.AppendUvarint(dst, uint64(len(prefix)))
	dst = append(dst, prefix...)
	dst = append(dst, byte(digits))
	scratch = ReuseSlice(scratch, len(vals))
	for i, v := range vals {
		n := uint64(0)
		for _, d := range []byte(v[len(prefix):]) {
			n = n*10 + uint64(d-'0')
		}
		scratch[i] = n
	}
	return appendUintFOR(dst, scratch), scratch
}

// maxPrefixNumBytes bounds a prefixed-number chunk's decoded text, so a
// damaged prefix length or row count cannot make the decoder allocate
// without limit (a block of 8,192 ids of 100 bytes is 800 KB).
const maxPrefixNumBytes = 64 << 20

func decodeStrPrefixNum(p []byte, n int, c *Column) error {
	l, k := binary.Uvarint(p)
	if k <= 0 || l >= uint64(len(p)-k) {
		return fmt.Errorf("bad prefix length")
	}
	prefix := p[k : k+int(l)]
	p = p[k+int(l):]
	digits := int(p[0])
	if digits > maxPrefixDigits {
		return fmt.Errorf("%d digits, want at most %d", digits, maxPrefixDigits)
	}
	width := len(prefix) + maxPrefixDigits
	if uint64(n)*uint64(width) > maxPrefixNumBytes {
		return fmt.Errorf("%d values of up to %d bytes exceed %d bytes", n, width, maxPrefixNumBytes)
	}
	rows, dense, sparse, err := c.sparseRows(n)
	if err != nil {
		return err
	}
	if sparse {
		f, err := readFORFrame(p[1:], n)
		if err != nil {
			return err
		}
		c.buf = c.buf[:0]
		c.scratch = ReuseSlice(c.scratch, len(rows))
		for j := range rows {
			if c.buf, err = appendPrefixNumber(c.buf, prefix, digits, f.at(dense[j])); err != nil {
				return fmt.Errorf("row %d: %w", rows[j], err)
			}
			c.scratch[j] = uint64(len(c.buf))
		}
		all := bytesString(c.buf, c.Borrow)
		c.Strs = ReuseSlice(c.Strs, c.Rows)
		start := uint64(0)
		for j, r := range rows {
			c.Strs[r] = all[start:c.scratch[j]]
			start = c.scratch[j]
		}
		c.placed = true
		return nil
	}
	c.scratch = ReuseSlice(c.scratch, n)
	base, err := readFOR(p[1:], n, c.scratch)
	if err != nil {
		return err
	}
	// Each number is read once, so its slot in scratch then keeps where
	// the value ends in buf.
	c.buf = c.buf[:0]
	for i := range n {
		if c.buf, err = appendPrefixNumber(c.buf, prefix, digits, base+c.scratch[i]); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		c.scratch[i] = uint64(len(c.buf))
	}
	all := bytesString(c.buf, c.Borrow)
	c.Strs = ReuseSlice(c.Strs, c.Rows)
	start := uint64(0)
	for i, end := range c.scratch[:n] {
		c.Strs[i] = all[start:end]
		start = end
	}
	return nil
}

// appendPrefixNumber appends prefix and v in digits decimal digits (with
// leading zeros), or in as many as it takes when digits is 0.
func appendPrefixNumber(buf, prefix []byte, digits int, v uint64) ([]byte, error) {
	buf = append(buf, prefix...)
	if digits == 0 {
		if v >= 1e19 {
			return buf, fmt.Errorf("number wider than %d digits", maxPrefixDigits)
		}
		return strconv.AppendUint(buf, v, 10), nil
	}
	start := len(buf)
	buf = append(buf, zeros[:digits]...)
	for j := len(buf) - 1; j >= start; j-- {
		buf[j] = '0' + byte(v%10)
		v /= 10
	}
	if v != 0 {
		return buf, fmt.Errorf("number wider than %d digits", digits)
	}
	return buf, nil
}

var zeros = [maxPrefixDigits]byte{'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'}
