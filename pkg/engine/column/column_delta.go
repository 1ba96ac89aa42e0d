package column

import (
	"encoding/binary"
	"fmt"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// Delta encoding for sorted-ish integers (timestamps, seq numbers): the first
// value (8 bytes LE), then the zigzag deltas as a frame of reference. Events
// 1 ms apart with jitter cost ~22 bits each instead of 64.

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// appendDelta encodes vals (int64 bit patterns; uint64 seq numbers are cast).
func appendDelta(dst []byte, vals []int64, scratch []uint64) ([]byte, []uint64) {
	if len(vals) == 0 {
		return dst, scratch
	}
	dst = binary.LittleEndian.AppendUint64(dst, uint64(vals[0]))
	if len(vals) == 1 {
		return dst, scratch
	}
	scratch = ReuseSlice(scratch, len(vals)-1)
	lo, hi := ^uint64(0), uint64(0)
	for i := 1; i < len(vals); i++ {
		z := zigzag(int64(uint64(vals[i]) - uint64(vals[i-1])))
		scratch[i-1] = z
		lo, hi = min(lo, z), max(hi, z)
	}
	for i := range scratch {
		scratch[i] -= lo
	}
	return appendFOR(dst, lo, hi-lo, scratch), scratch
}

// decodeDelta fills Ints (KindInt64, KindTime) or Uints (KindUint64).
func decodeDelta(p []byte, n int, c *Column) error {
	if n == 0 {
		if len(p) != 0 {
			return fmt.Errorf("%d bytes for no values", len(p))
		}
		return nil
	}
	if len(p) < 8 {
		return errShortColumn
	}
	if rows, dense, sparse, err := c.sparseRows(n); err != nil || sparse {
		if err != nil {
			return err
		}
		return c.decodeDeltaRows(p, n, rows, dense)
	}
	c.scratch = ReuseSlice(c.scratch, n)
	first := binary.LittleEndian.Uint64(p)
	var base uint64
	if n > 1 {
		var err error
		if base, err = readFOR(p[8:], n-1, c.scratch); err != nil {
			return err
		}
	} else if len(p) != 8 {
		return fmt.Errorf("%d trailing bytes", len(p)-8)
	}
	out := c.scratch[:n]
	// Shift offsets right by one so out[0] holds the first value.
	copy(out[1:], out[:n-1])
	out[0] = first
	for i := 1; i < n; i++ {
		out[i] = out[i-1] + uint64(unzigzag(out[i]+base))
	}
	if c.Kind == event.KindUint64 {
		c.Uints = ReuseSlice(c.Uints, c.Rows)
		copy(c.Uints, out)
		return nil
	}
	c.Ints = ReuseSlice(c.Ints, c.Rows)
	for i, u := range out {
		c.Ints[i] = int64(u)
	}
	return nil
}

// decodeDeltaRows is decodeDelta for the rows of Only: the deltas are
// summed only as far as the last of them.
func (c *Column) decodeDeltaRows(p []byte, n int, rows, dense []int) error {
	last := -1
	for _, d := range dense {
		last = max(last, d)
	}
	c.scratch = ReuseSlice(c.scratch, last+1)
	if n > 1 {
		deltas, err := readFORFrame(p[8:], n-1)
		if err != nil {
			return err
		}
		v := binary.LittleEndian.Uint64(p)
		for i := 0; i <= last; i++ {
			if i > 0 {
				v += uint64(unzigzag(deltas.at(i - 1)))
			}
			c.scratch[i] = v
		}
	} else if len(p) != 8 {
		return fmt.Errorf("%d trailing bytes", len(p)-8)
	} else if last == 0 {
		c.scratch[0] = binary.LittleEndian.Uint64(p)
	}
	if c.Kind == event.KindUint64 {
		c.Uints = ReuseSlice(c.Uints, c.Rows)
		for j, r := range rows {
			c.Uints[r] = c.scratch[dense[j]]
		}
	} else {
		c.Ints = ReuseSlice(c.Ints, c.Rows)
		for j, r := range rows {
			c.Ints[r] = int64(c.scratch[dense[j]])
		}
	}
	c.placed = true
	return nil
}
