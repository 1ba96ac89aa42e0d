package column

import (
	"encoding/binary"
	"fmt"
)

// Dictionary strings, for blocks with few distinct values (service, host,
// severity, endpoint): dictionary size uvarint | dictionary as plain strings |
// ids as a frame of reference. Twenty services cost 5 bits a row.

// dictMaxShare bounds the distinct values a dictionary block may have,
// as a fraction of its values; above it plain strings are smaller.
const dictMaxShare = 4

// buildDict returns the dictionary and per-value ids of vals, or false when
// the values are too varied to benefit.
func buildDict(vals []string, index map[string]uint32, dict []string, ids []uint64) ([]string, []uint64, bool) {
	clear(index)
	dict = dict[:0]
	ids = ReuseSlice(ids, len(vals))
	limit := len(vals)/dictMaxShare + 1
	for i, v := range vals {
		id, ok := index[v]
		if !ok {
			if len(dict) >= limit {
				return dict, ids, false
			}
			id = uint32(len(dict))
			index[v] = id
			dict = append(dict, v)
		}
		ids[i] = uint64(id)
	}
	return dict, ids, true
}

func appendStrDict(dst []byte, dict []string, ids []uint64, scratch []uint64) ([]byte, []uint64) {
	dst = binary.AppendUvarint(dst, uint64(len(dict)))
	dst, scratch = appendStrPlain(dst, dict, scratch)
	dst = appendFOR(dst, 0, uint64(max(len(dict), 1)-1), ids)
	return dst, scratch
}

func decodeStrDict(p []byte, n int, c *Column) error {
	size, k := binary.Uvarint(p)
	if k <= 0 || size > uint64(len(p)) || (size == 0 && n > 0) {
		return fmt.Errorf("bad dictionary size")
	}
	c.Dict = ReuseSlice(c.Dict, int(size))
	used, scratch, err := readStrings(p[k:], int(size), c.Dict, c.scratch)
	c.scratch = scratch
	if err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	rows, dense, sparse, err := c.sparseRows(n)
	if err != nil {
		return err
	}
	if sparse {
		f, err := readFORFrame(p[k+used:], n)
		if err != nil {
			return fmt.Errorf("ids: %w", err)
		}
		c.IDs = ReuseSlice(c.IDs, c.Rows)
		for j, r := range rows {
			id := f.at(dense[j])
			if id >= size {
				return fmt.Errorf("id %d outside a dictionary of %d", id, size)
			}
			c.IDs[r] = uint32(id)
		}
		c.placed = true
		return nil
	}
	c.scratch = ReuseSlice(c.scratch, n)
	base, err := readFOR(p[k+used:], n, c.scratch)
	if err != nil {
		return fmt.Errorf("ids: %w", err)
	}
	c.IDs = ReuseSlice(c.IDs, c.Rows)
	for i, o := range c.scratch[:n] {
		id := base + o
		if id >= size {
			return fmt.Errorf("id %d outside a dictionary of %d", id, size)
		}
		c.IDs[i] = uint32(id)
	}
	return nil
}
