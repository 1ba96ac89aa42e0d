package engine

import (
	"fmt"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

func evs(pairs ...int64) []event.Event {
	var out []event.Event
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, event.Event{Timestamp: pairs[i], Seq: uint64(pairs[i+1])})
	}
	return out
}

func orderString(events []event.Event) string {
	s := ""
	for _, e := range events {
		s += fmt.Sprintf("%d/%d ", e.Timestamp, e.Seq)
	}
	return s
}

func TestMergeSortedEvents(t *testing.T) {
	tests := []struct {
		name       string
		old, batch []event.Event
		want       string
	}{
		{"empty batch", evs(1, 1), nil, "1/1 "},
		{"into empty", nil, evs(3, 2, 1, 1), "1/1 3/2 "},
		{"append after", evs(1, 1, 2, 2), evs(5, 4, 3, 3), "1/1 2/2 3/3 5/4 "},
		{"interleaved", evs(1, 1, 5, 2), evs(3, 3, 0, 4), "0/4 1/1 3/3 5/2 "},
		{"equal timestamps by seq", evs(2, 1, 2, 3), evs(2, 2), "2/1 2/2 2/3 "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := orderString(tc.old)
			got := orderString(mergeSortedEvents(tc.old, tc.batch))
			if got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
			if orderString(tc.old) != before {
				t.Fatalf("merge modified the published view: %s", orderString(tc.old))
			}
		})
	}
}

func TestHeadCommitPublishesImmutableViews(t *testing.T) {
	h := newHead()
	now := time.Unix(100, 0)
	ch := h.add(evs(10, 1, 5, 2), 100, now)
	if len(h.view()) != 0 {
		t.Fatal("events visible before commit")
	}
	h.commit()
	select {
	case <-ch:
	default:
		t.Fatal("commit did not signal waiters")
	}
	v1 := h.view()
	h.add(evs(20, 3), 50, now)
	h.commit()
	h.add(evs(1, 4), 50, now.Add(time.Second))
	h.commit()
	if got := orderString(v1); got != "5/2 10/1 " {
		t.Fatalf("earlier view changed: %s", got)
	}
	if got := orderString(h.view()); got != "1/4 5/2 10/1 20/3 " {
		t.Fatalf("view = %s", got)
	}
	bytes, rows, age := h.stats(now.Add(3 * time.Second))
	if bytes != 200 || rows != 4 || age != 3*time.Second || h.maxSeq != 4 {
		t.Fatalf("stats = %d %d %v maxSeq %d", bytes, rows, age, h.maxSeq)
	}
}
