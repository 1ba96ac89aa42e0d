package search

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// Cursor is the position of the last hit of a page, in the engine's
// stable (Timestamp, Seq) order. Passing it back as SearchRequest.After
// returns the hits strictly beyond it, so paging neither skips nor repeats
// even when many events share a timestamp.
type Cursor struct {
	Timestamp int64
	Seq       uint64
}

// String encodes the cursor for a URL or a frame's meta: "<ns>:<seq>".
func (c Cursor) String() string {
	return strconv.FormatInt(c.Timestamp, 10) + ":" + strconv.FormatUint(c.Seq, 10)
}

// ParseCursor decodes Cursor.String's form.
func ParseCursor(s string) (Cursor, error) {
	ts, seq, ok := strings.Cut(s, ":")
	t, err1 := strconv.ParseInt(ts, 10, 64)
	q, err2 := strconv.ParseUint(seq, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return Cursor{}, fmt.Errorf("cursor %q: expected <unix ns>:<seq> as returned in a search result's Next", s)
	}
	return Cursor{Timestamp: t, Seq: q}, nil
}

// HitRef locates one candidate hit: a head event, or a row of a split block.
type HitRef struct {
	Ts    int64
	Seq   uint64
	Ev    *event.Event
	Split *split.Split
	Block int
	Row   int
}

func (h *HitRef) before(o *HitRef) bool {
	if h.Ts != o.Ts {
		return h.Ts < o.Ts
	}
	return h.Seq < o.Seq
}

// TopN keeps the n best hits in the requested order (newest first when
// desc), beyond an optional cursor. It is a heap whose root is the worst
// hit kept, so a better candidate replaces it in O(log n).
type TopN struct {
	N     int
	Desc  bool
	After *Cursor
	Heap  []HitRef
}

// better reports whether a comes before b in the result order.
func (t *TopN) better(a, b *HitRef) bool {
	if t.Desc {
		return b.before(a)
	}
	return a.before(b)
}

// BeyondCursor reports whether (ts, seq) comes after the cursor in the result order.
func (t *TopN) BeyondCursor(ts int64, seq uint64) bool {
	if t.After == nil {
		return true
	}
	c := HitRef{Ts: t.After.Timestamp, Seq: t.After.Seq}
	return t.better(&c, &HitRef{Ts: ts, Seq: seq})
}

func (t *TopN) full() bool { return len(t.Heap) >= t.N }

// CanImprove reports whether a hit at (ts, seq) could enter the heap.
func (t *TopN) CanImprove(ts int64, seq uint64) bool {
	if !t.BeyondCursor(ts, seq) {
		return false
	}
	return !t.full() || t.better(&HitRef{Ts: ts, Seq: seq}, &t.Heap[0])
}

// WantRange reports whether a block spanning [(minT,minS), (maxT,maxS)]
// can hold a hit that enters the heap.
func (t *TopN) WantRange(minT int64, minS uint64, maxT int64, maxS uint64) bool {
	first, last := HitRef{Ts: minT, Seq: minS}, HitRef{Ts: maxT, Seq: maxS}
	if t.Desc {
		first, last = last, first
	}
	if !t.BeyondCursor(last.Ts, last.Seq) {
		return false
	}
	return !t.full() || t.better(&first, &t.Heap[0])
}

// Offer considers one hit and reports whether it was kept.
func (t *TopN) Offer(h HitRef) bool {
	if !t.CanImprove(h.Ts, h.Seq) {
		return false
	}
	if !t.full() {
		t.Heap = append(t.Heap, h)
		t.up(len(t.Heap) - 1)
		return true
	}
	t.Heap[0] = h
	t.down(0)
	return true
}

// worse reports whether heap entry i should sit above j (the root is worst).
func (t *TopN) worse(i, j int) bool { return t.better(&t.Heap[j], &t.Heap[i]) }

func (t *TopN) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.Heap[i], t.Heap[p] = t.Heap[p], t.Heap[i]
		i = p
	}
}

func (t *TopN) down(i int) {
	n := len(t.Heap)
	for {
		w := i
		if l := 2*i + 1; l < n && t.worse(l, w) {
			w = l
		}
		if r := 2*i + 2; r < n && t.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		t.Heap[i], t.Heap[w] = t.Heap[w], t.Heap[i]
		i = w
	}
}

// Sorted returns the kept hits best first.
func (t *TopN) Sorted() []HitRef {
	out := make([]HitRef, len(t.Heap))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = t.Heap[0]
		last := len(t.Heap) - 1
		t.Heap[0] = t.Heap[last]
		t.Heap = t.Heap[:last]
		t.down(0)
	}
	return out
}
