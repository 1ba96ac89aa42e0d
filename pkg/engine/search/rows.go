package search

import (
	"math/bits"

	"github.com/triage-logs/triage/pkg/engine/column"
)

// Rows is a bitmap over the rows of one block: the rows still matching
// while a filter narrows them. Filters only clear bits, so a block's
// evaluation allocates nothing once its sets have grown.
type Rows []uint64

// Resize returns s sized for rows rows, all clear.
func (s Rows) Resize(rows int) Rows {
	s = column.ReuseSlice(s, (rows+63)/64)
	clear(s)
	return s
}

// SetRange sets rows [lo, hi).
func (s Rows) SetRange(lo, hi int) {
	for r := lo; r < hi; {
		w := r >> 6
		if r&63 == 0 && hi-r >= 64 {
			s[w] = ^uint64(0)
			r += 64
			continue
		}
		s[w] |= 1 << (r & 63)
		r++
	}
}

// keepRange clears every row outside [lo, hi).
func (s Rows) keepRange(lo, hi int) {
	for w := range s {
		first, last := w<<6, w<<6+63
		switch {
		case last < lo || first >= hi:
			s[w] = 0
		case first < lo || last >= hi:
			for r := first; r <= last; r++ {
				if r < lo || r >= hi {
					s.clearRow(r)
				}
			}
		}
	}
}

func (s Rows) has(r int) bool { return s[r>>6]&(1<<(r&63)) != 0 }
func (s Rows) clearRow(r int) { s[r>>6] &^= 1 << (r & 63) }

func (s Rows) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s Rows) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// AndPresent keeps the rows present in a column.
func (s Rows) AndPresent(present []uint64) {
	for i := range s {
		s[i] &= present[i]
	}
}

func (s Rows) or(o Rows) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s Rows) andNot(o Rows) {
	for i := range s {
		s[i] &^= o[i]
	}
}

// ForEach calls fn for each set row in increasing order.
func (s Rows) ForEach(fn func(row int)) {
	for i, w := range s {
		for w != 0 {
			fn(i<<6 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// ForEachDesc calls fn for each set row in decreasing order until fn
// returns false.
func (s Rows) ForEachDesc(fn func(row int) bool) {
	for i := len(s) - 1; i >= 0; i-- {
		w := s[i]
		for w != 0 {
			b := 63 - bits.LeadingZeros64(w)
			if !fn(i<<6 + b) {
				return
			}
			w &^= 1 << b
		}
	}
}

// bitIndex returns the position of the single set bit of b.
func bitIndex(b uint64) int { return bits.TrailingZeros64(b) }
