package main

import (
	"fmt"
	"slices"
	"time"
)

// latencies are the timed runs of one query.
type latencies []time.Duration

// quantile returns the nearest-rank q-quantile (0 < q ≤ 1): with fewer than
// 100 runs, the 0.99 quantile is the slowest run.
func (l latencies) quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	rank := int(q*float64(len(s)) + 0.999999)
	return s[min(max(rank, 1), len(s))-1]
}

func (l latencies) median() time.Duration { return l.quantile(0.5) }

func (l latencies) p99() time.Duration { return l.quantile(0.99) }

// ms formats a duration in milliseconds with a precision that suits it.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}
