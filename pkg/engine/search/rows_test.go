package search

import "testing"

// keepRange against a row-by-row rule, at and across word boundaries.
func TestRowsKeepRange(t *testing.T) {
	const n = 200
	for _, tc := range []struct{ lo, hi int }{
		{0, n}, {0, 0}, {n, n}, {1, 199}, {63, 64}, {64, 128}, {60, 130}, {0, 64}, {128, 200}, {199, 200}, {100, 101},
	} {
		s := Rows(nil).Resize(n)
		s.SetRange(0, n)
		s.clearRow(70) // a row already clear stays clear
		s.keepRange(tc.lo, tc.hi)
		for r := range n {
			want := r >= tc.lo && r < tc.hi && r != 70
			if s.has(r) != want {
				t.Fatalf("keepRange(%d, %d): row %d set = %v, want %v", tc.lo, tc.hi, r, s.has(r), want)
			}
		}
	}
}
