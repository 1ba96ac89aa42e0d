package merge

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestMergePolicyPick(t *testing.T) {
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) int64 { return day.Add(d).UnixNano() }
	// every5m returns n splits of rows each, one per 5 minutes from start.
	every5m := func(start time.Duration, n, rows int) []Span {
		out := make([]Span, n)
		for i := range out {
			lo := start + time.Duration(i)*5*time.Minute
			out[i] = Span{MinTime: at(lo), MaxTime: at(lo + 5*time.Minute - time.Second), Rows: rows}
		}
		return out
	}
	cat := func(parts ...[]Span) []Span { return slices.Concat(parts...) }
	reverse := func(s []Span) []Span { s = slices.Clone(s); slices.Reverse(s); return s }
	merged := func(s []Span, ops int) []Span {
		for i := range s {
			s[i].MergeOps = ops
		}
		return s
	}
	writtenAt := func(s []Span, t time.Time) []Span {
		for i := range s {
			s[i].Written = t.UnixNano()
		}
		return s
	}
	open := day.Add(12 * time.Hour)               // the window of day is still open
	closed := day.Add(24*time.Hour + 2*time.Hour) // past its end and grace

	// With factor 10 and max 1,000,000 rows, levels are <10k, <100k, <1M.
	p := NewPolicy(10, 1_000_000)
	tests := []struct {
		name   string
		spans  []Span
		now    time.Time
		policy Policy
		want   []int
	}{
		{"nothing", nil, open, p, nil},
		{"one split", every5m(0, 1, 100), closed, p, nil},
		{"nine small splits wait for a tenth", every5m(0, 9, 1000), open, p, nil},
		{"ten small splits merge", every5m(0, 10, 1000), open, p, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"the oldest ten of twelve", every5m(0, 12, 1000), open, p, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"given newest first, still the oldest ten", reverse(every5m(0, 12, 1000)), open, p, []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}},
		{"a merged split is not rewritten to add small ones",
			cat(every5m(0, 1, 50_000), every5m(time.Hour, 9, 1000)), open, p, nil},
		{"levels merge separately: ten small ones beside a bigger one",
			cat(every5m(0, 1, 50_000), every5m(time.Hour, 10, 1000)), open, p, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"ten level-1 splits merge",
			every5m(0, 10, 50_000), open, p, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"a merge stops at the row cap",
			every5m(0, 10, 300_000), open, p, []int{0, 1, 2}},
		{"mature splits are never merged",
			cat(every5m(0, 10, 1_000_000)), closed, p, nil},
		{"a mature split is skipped, the rest merge",
			cat(every5m(0, 1, 2_000_000), every5m(time.Hour, 10, 1000)), open, p, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"a merged split is not rewritten with the flushes after it",
			cat(merged(every5m(0, 1, 735_000), 1), every5m(time.Hour, 9, 105_000)), open, p, nil},
		{"ten flushes beside merged splits of their size class merge",
			cat(merged(every5m(0, 3, 945_000), 1), every5m(time.Hour, 10, 52_000)), open, p, []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{"a past day still being written merges by level only",
			writtenAt(every5m(0, 3, 1000), closed.Add(-30*time.Minute)), closed, p, nil},
		{"a past day an hour after its last flush merges its leftovers",
			writtenAt(every5m(0, 3, 1000), closed.Add(-61*time.Minute)), closed, p, []int{0, 1, 2}},
		{"a closed window merges its leftovers",
			every5m(0, 3, 1000), closed, p, []int{0, 1, 2}},
		{"a closed window merges across levels",
			cat(every5m(0, 1, 400_000), every5m(time.Hour, 2, 1000)), closed, p, []int{0, 1, 2}},
		{"a closed window skips a pair over the cap",
			cat(every5m(0, 1, 900_000), every5m(time.Hour, 1, 200_000), every5m(2*time.Hour, 1, 1000)), closed, p, []int{1, 2}},
		{"a closed window takes at most factor splits",
			every5m(0, 25, 10), closed, p, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"windows are not crossed: 5+5 across midnight stay apart",
			every5m(24*time.Hour-25*time.Minute, 10, 1000), day.Add(30 * time.Hour), p, []int{0, 1, 2, 3, 4}},
		{"an open window waits while an older closed one merges",
			cat(every5m(24*time.Hour, 10, 1000), every5m(0, 2, 1000)), day.Add(30 * time.Hour), p, []int{10, 11}},
		{"before 1970 windows split at midnight too",
			[]Span{{MinTime: -int64(time.Hour), MaxTime: -1, Rows: 1}, {MinTime: 0, MaxTime: 1, Rows: 1}},
			time.Unix(0, 0).Add(48 * time.Hour), p, nil},
		{"factor 2", every5m(0, 3, 1000), open, NewPolicy(2, 1_000_000), []int{0, 1}},
		{"defaults apply for zero options", every5m(0, 10, 1000), open, NewPolicy(0, 0), []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.policy.Pick(tc.spans, tc.now); !slices.Equal(got, tc.want) {
				t.Fatalf("pick = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMergePolicyLevel(t *testing.T) {
	p := NewPolicy(10, 1_000_000)
	tests := []struct{ rows, level int }{
		{0, 0}, {1, 0}, {9_999, 0}, {10_000, 1}, {99_999, 1}, {100_000, 2}, {999_999, 2}, {1_000_000, 3},
	}
	for _, tc := range tests {
		if got := p.level(tc.rows); got != tc.level {
			t.Errorf("level(%d) = %d, want %d", tc.rows, got, tc.level)
		}
	}
}

// replay applies the policy's picks at now until it picks nothing, as the
// merge loop does, and returns the splits and the rows the merges wrote.
// A merged split keeps its inputs' newest Written and counts one more
// merge than its inputs' most, as the engine's merge writes them.
func replay(p Policy, spans []Span, now time.Time) ([]Span, int) {
	rewritten := 0
	for {
		picked := p.Pick(spans, now)
		if picked == nil {
			return spans, rewritten
		}
		m := Span{MinTime: spans[picked[0]].MinTime}
		for _, i := range picked {
			m.MaxTime = max(m.MaxTime, spans[i].MaxTime)
			m.Rows += spans[i].Rows
			m.Written = max(m.Written, spans[i].Written)
			m.MergeOps = max(m.MergeOps, spans[i].MergeOps+1)
		}
		rewritten += m.Rows
		kept := make([]Span, 0, len(spans)-len(picked)+1)
		for i, s := range spans {
			if !slices.Contains(picked, i) {
				kept = append(kept, s)
			}
		}
		spans = append(kept, m)
	}
}

// TestMergePolicyQuietDay replays a quiet index's day (a 2,000-event split
// every 5 minutes) through the policy, merging what it picks, and checks
// that the day ends in few splits with little rewriting.
func TestMergePolicyQuietDay(t *testing.T) {
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	p := NewPolicy(10, 500_000)
	var spans []Span
	rewritten := 0
	for i := 0; i < 288; i++ {
		lo := day.Add(time.Duration(i) * 5 * time.Minute)
		spans = append(spans, Span{MinTime: lo.UnixNano(), MaxTime: lo.Add(5*time.Minute - 1).UnixNano(), Rows: 2000, Written: lo.Add(5 * time.Minute).UnixNano()})
		var n int
		spans, n = replay(p, spans, lo.Add(5*time.Minute))
		rewritten += n
	}
	open := len(spans)
	spans, n := replay(p, spans, day.Add(26*time.Hour))
	rewritten += n
	total := 0
	for _, s := range spans {
		total += s.Rows
	}
	if total != 288*2000 {
		t.Fatalf("rows %d, want %d", total, 288*2000)
	}
	// 288 splits of 2,000 rows: level 0 is <5,000 rows, so merges of 10
	// make 20,000-row splits, then 200,000-row ones.
	if open > 20 || len(spans) > 3 {
		t.Fatalf("%d splits at the end of the day, %d after it closed; want ≤ 20 and ≤ 3", open, len(spans))
	}
	if amp := float64(rewritten) / float64(total); amp > 3.5 {
		t.Fatalf("each event rewritten %.1f times, want ≤ 3.5", amp)
	}
	t.Logf("%d splits at day end, %d after close, write amplification %.2f", open, len(spans), float64(rewritten)/float64(total))
}

// TestMergePolicyBackfill replays 10M events of a past day sent today (a
// backfill, or the benchmark's historical load): flushes arrive every
// 200 ms into a window long closed by the clock, merging after each. A
// window still being written merges by level, so each event is rewritten
// about once, not once for every later flush; an hour after the last
// flush its leftovers merge.
func TestMergePolicyBackfill(t *testing.T) {
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	today := day.Add(300 * 24 * time.Hour)
	for _, rows := range []int{52_000, 105_000} {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			p := NewPolicy(10, 1_000_000)
			var spans []Span
			rewritten := 0
			n := 10_000_000 / rows
			step := 24 * time.Hour / time.Duration(n)
			now := today
			for i := 0; i < n; i++ {
				lo := day.Add(time.Duration(i) * step)
				now = now.Add(200 * time.Millisecond)
				spans = append(spans, Span{MinTime: lo.UnixNano(), MaxTime: lo.Add(step - 1).UnixNano(), Rows: rows, Written: now.UnixNano()})
				var m int
				spans, m = replay(p, spans, now)
				rewritten += m
			}
			if amp := float64(rewritten) / float64(n*rows); amp > 1.0 {
				t.Errorf("each event rewritten %.2f times while the backfill ran, want ≤ 1", amp)
			}
			during := len(spans)
			spans, _ = replay(p, spans, now.Add(59*time.Minute))
			if len(spans) != during {
				t.Errorf("%d splits became %d within the hour after the last flush", during, len(spans))
			}
			spans, _ = replay(p, spans, now.Add(61*time.Minute))
			if during > 25 || len(spans) > during {
				t.Errorf("%d splits at the end of the backfill, %d an hour later; want ≤ 25 and no more", during, len(spans))
			}
			t.Logf("%d splits, %d an hour later, write amplification %.2f", during, len(spans), float64(rewritten)/float64(n*rows))
		})
	}
}
