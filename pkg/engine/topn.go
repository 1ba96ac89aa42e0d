package engine

import (
	"fmt"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"strconv"
	"strings"
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

// hitRef locates one candidate hit: a head event, or a row of a split block.
type hitRef struct {
	ts    int64
	seq   uint64
	ev    *event.Event
	split *split.Split
	block int
	row   int
}

func (h *hitRef) before(o *hitRef) bool {
	if h.ts != o.ts {
		return h.ts < o.ts
	}
	return h.seq < o.seq
}

// topN keeps the n best hits in the requested order (newest first when
// desc), beyond an optional cursor. It is a heap whose root is the worst
// hit kept, so a better candidate replaces it in O(log n).
type topN struct {
	n     int
	desc  bool
	after *Cursor
	heap  []hitRef
}

// better reports whether a comes before b in the result order.
func (t *topN) better(a, b *hitRef) bool {
	if t.desc {
		return b.before(a)
	}
	return a.before(b)
}

// beyondCursor reports whether (ts, seq) comes after the cursor in the result order.
func (t *topN) beyondCursor(ts int64, seq uint64) bool {
	if t.after == nil {
		return true
	}
	c := hitRef{ts: t.after.Timestamp, seq: t.after.Seq}
	return t.better(&c, &hitRef{ts: ts, seq: seq})
}

func (t *topN) full() bool { return len(t.heap) >= t.n }

// canImprove reports whether a hit at (ts, seq) could enter the heap.
func (t *topN) canImprove(ts int64, seq uint64) bool {
	if !t.beyondCursor(ts, seq) {
		return false
	}
	return !t.full() || t.better(&hitRef{ts: ts, seq: seq}, &t.heap[0])
}

// wantRange reports whether a block spanning [(minT,minS), (maxT,maxS)]
// can hold a hit that enters the heap.
func (t *topN) wantRange(minT int64, minS uint64, maxT int64, maxS uint64) bool {
	first, last := hitRef{ts: minT, seq: minS}, hitRef{ts: maxT, seq: maxS}
	if t.desc {
		first, last = last, first
	}
	if !t.beyondCursor(last.ts, last.seq) {
		return false
	}
	return !t.full() || t.better(&first, &t.heap[0])
}

// offer considers one hit and reports whether it was kept.
func (t *topN) offer(h hitRef) bool {
	if !t.canImprove(h.ts, h.seq) {
		return false
	}
	if !t.full() {
		t.heap = append(t.heap, h)
		t.up(len(t.heap) - 1)
		return true
	}
	t.heap[0] = h
	t.down(0)
	return true
}

// worse reports whether heap entry i should sit above j (the root is worst).
func (t *topN) worse(i, j int) bool { return t.better(&t.heap[j], &t.heap[i]) }

func (t *topN) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.heap[i], t.heap[p] = t.heap[p], t.heap[i]
		i = p
	}
}

func (t *topN) down(i int) {
	n := len(t.heap)
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
		t.heap[i], t.heap[w] = t.heap[w], t.heap[i]
		i = w
	}
}

// sorted returns the kept hits best first.
func (t *topN) sorted() []hitRef {
	out := make([]hitRef, len(t.heap))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = t.heap[0]
		last := len(t.heap) - 1
		t.heap[0] = t.heap[last]
		t.heap = t.heap[:last]
		t.down(0)
	}
	return out
}
