package merge

import (
	"cmp"
	"slices"
	"time"
)

// Merge policy defaults. A quiet index flushes a split every FlushAge (5
// minutes: 288 a day); a busy one every 32 MiB of head (~50k events).
const (
	// defaultMergeFactor is how many same-level splits trigger a merge and
	// the most one merge combines: Quickwit's stable-log policy default. Each
	// event is rewritten once per level, so with factor 10 and three levels
	// a day of 288 tiny splits costs three rewrites and ends in a few splits.
	defaultMergeFactor = 10
	// defaultMergeMaxRows caps a merge's output; a split this big is mature
	// and never merged again. A merge streams its inputs block by block
	// (mergeSource), so the cap no longer bounds memory (a block per input
	// does); it bounds how many times an event is rewritten: flushes of
	// ~52k events (a 32 MiB head) merge ten at a time into ~520k-event
	// splits, one rewrite, and a day of 10M events ends in ~20 splits, each
	// searched with one term-index lookup.
	defaultMergeMaxRows = 1_000_000
	// mergeWindow partitions time: a merge never combines splits whose
	// first events fall in different UTC days, so a merged split's range
	// stays within a day and time pruning keeps working (VictoriaLogs keeps
	// one partition per day for the same reason). It also bounds how long
	// merging can delay retention: at most a day.
	mergeWindow = 24 * time.Hour
	// mergeCloseGrace is how long after a window ends, and after its last
	// flush, its late events are still expected; past both the window is
	// closed and its leftover small splits are merged in runs of two or
	// more, not only of MergeFactor.
	mergeCloseGrace = time.Hour
)

// Policy decides which splits to combine next. It is a pure function
// of the splits' sizes and time ranges, so it is tested on tables.
type Policy struct {
	factor  int
	maxRows int
	// minLevelRows is the top of level 0; level l holds splits of
	// [minLevelRows·factor^(l-1), minLevelRows·factor^l) rows. Merging only
	// within a level keeps a big merged split from being rewritten to add
	// one small split (write amplification), as in Quickwit and Prometheus.
	minLevelRows int
	window       time.Duration
	closeGrace   time.Duration
}

func NewPolicy(factor, maxRows int) Policy {
	if factor < 2 {
		factor = defaultMergeFactor
	}
	if maxRows <= 0 {
		maxRows = defaultMergeMaxRows
	}
	return Policy{factor: factor, maxRows: maxRows, minLevelRows: max(1, maxRows/(factor*factor)),
		window: mergeWindow, closeGrace: mergeCloseGrace}
}

// Span is what the policy knows of a split.
type Span struct {
	MinTime, MaxTime int64 // Unix ns
	Rows             int
	// Written is when the newest flush among the split's events was
	// written (Unix ns; 0 when unknown, as for splits found at startup).
	Written int64
	// MergeOps counts the merges the split's events went through.
	MergeOps int
}

// Pick returns the positions in spans of the splits to merge next, oldest
// first, or nil when nothing should be merged. Older windows go first.
func (p Policy) Pick(spans []Span, now time.Time) []int {
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(spans[a].MinTime, spans[b].MinTime), cmp.Compare(spans[a].MaxTime, spans[b].MaxTime), cmp.Compare(a, b))
	})
	for lo := 0; lo < len(order); {
		w := p.windowOf(spans[order[lo]].MinTime)
		hi := lo + 1
		for hi < len(order) && p.windowOf(spans[order[hi]].MinTime) == w {
			hi++
		}
		closed := p.closed(w, spans, order[lo:hi], now)
		if got := p.pickInWindow(spans, order[lo:hi], closed); got != nil {
			return got
		}
		lo = hi
	}
	return nil
}

// closed reports that window w expects no more splits: its end, and its
// newest flush, lie more than closeGrace in the past. The second condition
// is what keeps a backfill (yesterday's logs sent today) from being merged
// as leftovers after every flush: each merge of leftovers rewrites the
// growing split to add one flush, which replayed 10M events of a past day
// through ~4.8 rewrites each at 105k-event flushes and ~9.9 at 52k.
func (p Policy) closed(w int64, spans []Span, window []int, now time.Time) bool {
	if now.Before(time.Unix(0, (w+1)*int64(p.window)).Add(p.closeGrace)) {
		return false
	}
	for _, i := range window {
		if now.Before(time.Unix(0, spans[i].Written).Add(p.closeGrace)) {
			return false
		}
	}
	return true
}

// windowOf numbers the window holding ts (floor division, so times before
// 1970 land in negative windows rather than sharing window 0).
func (p Policy) windowOf(ts int64) int64 {
	w := int64(p.window)
	q := ts / w
	if ts%w < 0 {
		q--
	}
	return q
}

// pickInWindow chooses among one window's splits, given in time order.
func (p Policy) pickInWindow(spans []Span, order []int, closed bool) []int {
	young := make([]int, 0, len(order))
	for _, i := range order {
		if spans[i].Rows < p.maxRows {
			young = append(young, i)
		}
	}
	if closed {
		// No more splits are coming: merge whatever still combines.
		return p.run(spans, young)
	}
	byLevel := map[level][]int{}
	levels := []level{}
	for _, i := range young {
		l := level{p.level(spans[i].Rows), spans[i].MergeOps}
		if _, ok := byLevel[l]; !ok {
			levels = append(levels, l)
		}
		byLevel[l] = append(byLevel[l], i)
	}
	slices.SortFunc(levels, func(a, b level) int { return cmp.Or(cmp.Compare(a.rows, b.rows), cmp.Compare(a.mergeOps, b.mergeOps)) })
	for _, l := range levels {
		if same := byLevel[l]; len(same) >= p.factor {
			if got := p.run(spans, same); got != nil {
				return got
			}
		}
	}
	return nil
}

// level groups splits that merge together: the same size class and the
// same number of merges behind them. Size alone let a merged split near
// the top of a class (9 flushes of 105k rows) be rewritten with the flushes
// that came after it, ~2.4 rewrites per event instead of one; merge counts
// alone (Quickwit's const-write-amplification policy) would rewrite a big
// flush to add a quiet hour's small ones.
type level struct{ rows, mergeOps int }

// run returns the oldest run of two to factor consecutive candidates whose
// rows together stay within maxRows.
func (p Policy) run(spans []Span, cands []int) []int {
	for lo := 0; lo+1 < len(cands); lo++ {
		rows, hi := 0, lo
		for hi < len(cands) && hi-lo < p.factor && rows+spans[cands[hi]].Rows <= p.maxRows {
			rows += spans[cands[hi]].Rows
			hi++
		}
		if hi-lo >= 2 {
			return slices.Clone(cands[lo:hi])
		}
	}
	return nil
}

// level is the size class of a split of the given rows.
func (p Policy) level(rows int) int {
	l := 0
	for top := p.minLevelRows; rows >= top && l < 64; top *= p.factor {
		l++
	}
	return l
}
