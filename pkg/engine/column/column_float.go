package column

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Raw floats: 8 bytes LE each. Used when the decimal form does not round-trip
// (NaN, ±Inf, -0, more than maxFloatDecimals decimals, huge magnitudes).

func appendFloatRaw(dst []byte, vals []float64) []byte {
	for _, v := range vals {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst
}

func decodeFloatRaw(p []byte, n int, c *Column) error {
	if len(p) != 8*n {
		return fmt.Errorf("%d bytes for %d floats", len(p), n)
	}
	c.Floats = ReuseSlice(c.Floats, c.Rows)
	for i := range n {
		c.Floats[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
	}
	return nil
}

// Decimal floats: exponent u8 | mantissas as int frame of reference, with
// v == float64(m) / 10^exponent exactly. Latencies like 123.45 take ~2 bytes.

const maxFloatDecimals = 9

var pow10 = [maxFloatDecimals + 1]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// floatDecimals returns the exponent at which every value is an exact
// scaled integer, or false when some value needs raw storage.
func floatDecimals(vals []float64) (int, bool) {
	e := 0
	for _, v := range vals {
		for ; e <= maxFloatDecimals; e++ {
			if _, ok := scaledInt(v, e); ok {
				break
			}
		}
		if e > maxFloatDecimals {
			return 0, false
		}
	}
	for _, v := range vals {
		if _, ok := scaledInt(v, e); !ok {
			return 0, false
		}
	}
	return e, true
}

// scaledInt returns m with float64(m)/10^e == v bit for bit.
func scaledInt(v float64, e int) (int64, bool) {
	s := math.Round(v * pow10[e])
	if !(math.Abs(s) < 1<<53) {
		return 0, false
	}
	m := int64(s)
	back := float64(m) / pow10[e]
	return m, math.Float64bits(back) == math.Float64bits(v)
}

func appendFloatDec(dst []byte, vals []float64, e int, ints []int64, scratch []uint64) ([]byte, []int64, []uint64) {
	ints = ReuseSlice(ints, len(vals))
	for i, v := range vals {
		ints[i], _ = scaledInt(v, e)
	}
	dst = append(dst, byte(e))
	dst, scratch = appendIntFOR(dst, ints, scratch)
	return dst, ints, scratch
}

func decodeFloatDec(p []byte, n int, c *Column) error {
	if len(p) < 1 || int(p[0]) > maxFloatDecimals {
		return fmt.Errorf("bad decimal exponent")
	}
	d := pow10[p[0]]
	c.Floats = ReuseSlice(c.Floats, c.Rows)
	if done, err := c.decodeFORRows(p[1:], n, func(r int, v uint64) { c.Floats[r] = float64(int64(v)) / d }); done {
		return err
	}
	c.scratch = ReuseSlice(c.scratch, n)
	base, err := readFOR(p[1:], n, c.scratch)
	if err != nil {
		return err
	}
	for i, o := range c.scratch[:n] {
		c.Floats[i] = float64(int64(base+o)) / d
	}
	return nil
}
