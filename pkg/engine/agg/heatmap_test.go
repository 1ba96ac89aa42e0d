package agg

import "testing"

func TestUpperBoundIndexAgreesWithBinarySearch(t *testing.T) {
	bounds := make([]float64, 40)
	for i := range bounds {
		bounds[i] = float64(i * i)
	}
	for _, n := range []int{1, 5, 16, 17, 40} {
		for v := -2.0; v < 1700; v += 0.5 {
			want := 0
			for want < n && bounds[want] < v {
				want++
			}
			if got := upperBoundIndex(bounds[:n], v); got != want {
				t.Fatalf("upperBoundIndex(%d bounds, %v) = %d, want %d", n, v, got, want)
			}
		}
	}
}
