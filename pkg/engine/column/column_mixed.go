package column

import (
	"fmt"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// Mixed blocks: a dynamic field that held several kinds in one block (status
// 200 in one event, "OK" in the next) is stored as text: one kind byte per
// value, then the values' Text() as plain strings. Searches see strings;
// rebuilt events get back the original kind and value (floats and times
// format losslessly), so events round-trip exactly.

func appendMixed(dst []byte, vals []event.Value, strs []string, scratch []uint64) ([]byte, []string, []uint64) {
	strs = ReuseSlice(strs, len(vals))
	for i, v := range vals {
		dst = append(dst, byte(v.Kind))
		strs[i] = v.Text()
	}
	dst, scratch = appendStrPlain(dst, strs, scratch)
	return dst, strs, scratch
}

func decodeMixed(p []byte, n int, c *Column) error {
	if len(p) < n {
		return errShortColumn
	}
	c.kindsBuf = ReuseSlice(c.kindsBuf, c.Rows)
	for i := range n {
		k := event.Kind(p[i])
		if !k.Known() {
			return fmt.Errorf("unknown kind %d", p[i])
		}
		c.kindsBuf[i] = k
	}
	c.Kinds = c.kindsBuf
	c.Strs = ReuseSlice(c.Strs, c.Rows)
	used, scratch, err := readStrings(p[n:], n, c.Strs, c.scratch)
	c.scratch = scratch
	if err == nil && n+used != len(p) {
		err = fmt.Errorf("%d trailing bytes", len(p)-n-used)
	}
	if err != nil {
		return err
	}
	for i := range n {
		if _, ok := parseMixedText(c.Kinds[i], c.Strs[i]); !ok {
			return fmt.Errorf("value %q is not a %s", c.Strs[i], c.Kinds[i])
		}
	}
	return nil
}
