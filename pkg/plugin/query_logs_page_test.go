package plugin

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// secondStore is a store as Quickwit behaves by default: it sorts and
// ranges by whole seconds, breaks ties in document order (unrelated to the
// events' Seq), and pages with an opaque cursor.
type secondStore struct {
	logstore.Backend // only Name and Search are used
	events           []engine.Event
	searches         int
}

func (s *secondStore) Name() string { return logstore.KindQuickwit }

func (s *secondStore) Search(_ context.Context, req logstore.SearchRequest) (logstore.SearchResult, error) {
	s.searches++
	sec := func(ns int64) int64 { return ns - mod(ns, int64(time.Second)) }
	var matched []int
	for i, ev := range s.events {
		ts := sec(ev.Timestamp)
		if (!req.Start.IsZero() && ts < req.Start.UnixNano()) || (!req.End.IsZero() && ts >= req.End.UnixNano()) {
			continue
		}
		matched = append(matched, i)
	}
	sort.SliceStable(matched, func(a, b int) bool {
		ta, tb := sec(s.events[matched[a]].Timestamp), sec(s.events[matched[b]].Timestamp)
		if ta != tb {
			return (ta < tb) == (req.Order == engine.Asc)
		}
		return matched[a] < matched[b]
	})
	from := 0
	if req.Cursor != "" {
		from, _ = strconv.Atoi(strings.TrimPrefix(req.Cursor, "doc:"))
	}
	end := min(from+req.Limit, len(matched))
	out := logstore.SearchResult{}
	for _, i := range matched[from:end] {
		out.Hits = append(out.Hits, engine.Hit{Index: "logs", Event: s.events[i]})
	}
	if end < len(matched) {
		out.Cursor = "doc:" + strconv.Itoa(end)
	}
	return out, nil
}

var pageBase = time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)

// crowdedSeconds makes n events per second over secs seconds, at distinct
// milliseconds in a shuffled document order, with Seq unrelated to it.
func crowdedSeconds(secs, n int) []engine.Event {
	var out []engine.Event
	for s := range secs {
		for i := range n {
			j := (i * 7) % n // document order differs from time order
			at := pageBase.Add(time.Duration(s)*time.Second + time.Duration(j)*time.Millisecond + 300*time.Microsecond)
			out = append(out, engine.Event{Timestamp: at.UnixNano(), Seq: uint64(1_000_000 - len(out))})
		}
	}
	return out
}

func pageRequest(limit int, from, to time.Time, after string, order query.SortOrder) queryRequest {
	return queryRequest{Model: query.Query{Index: "logs", Limit: limit, After: after, Sort: order}, Text: "*", From: from, To: to}
}

// TestCollectPageFollowsPositions pages a second-grained store with
// `after` from each page's Next: every event once, in exact (timestamp,
// seq) order; a page beyond a position holds at most the limit (the first
// is completed to the end of its second, as a page Grafana continues by
// time must be).
func TestCollectPageFollowsPositions(t *testing.T) {
	store := &secondStore{events: crowdedSeconds(4, 9)}
	want := slices.Clone(store.events)
	for _, order := range []query.SortOrder{query.SortDesc, query.SortAsc} {
		t.Run(string(order), func(t *testing.T) {
			sort.Slice(want, func(i, j int) bool { return want[i].Before(&want[j]) == (order == query.SortAsc) })
			var got []engine.Event
			after := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				page, err := searchLogPage(context.Background(), store, pageRequest(5, pageBase, pageBase.Add(time.Minute), after, order))
				if err != nil {
					t.Fatal(err)
				}
				if after != "" && len(page.Hits) > 5 {
					t.Fatalf("a page beyond a position holds %d rows, more than its limit 5", len(page.Hits))
				}
				for _, h := range page.Hits {
					got = append(got, h.Event)
				}
				if page.Next == "" {
					break
				}
				after = page.Next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("paged\n %v\nwant\n %v", got, want)
			}
		})
	}
}

// TestCollectPageCompletesItsLastSecond pages as Grafana's Explore does:
// the next page ends at the oldest shown row's millisecond. A page is
// completed to the end of the store's grain (a second), so no row of a
// second cut by the limit is lost; rows come newest first.
func TestCollectPageCompletesItsLastSecond(t *testing.T) {
	store := &secondStore{events: crowdedSeconds(5, 12)}
	seen := map[uint64]int{}
	end := pageBase.Add(time.Minute)
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		page, err := searchLogPage(context.Background(), store, pageRequest(5, pageBase, end, "", query.SortDesc))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Hits) == 0 {
			break
		}
		for i, h := range page.Hits {
			seen[h.Event.Seq]++
			if i > 0 && page.Hits[i-1].Event.Before(&h.Event) {
				t.Fatalf("page %d: row %d is newer than the row before it", pages, i)
			}
		}
		oldest := page.Hits[len(page.Hits)-1].Event.Timestamp
		if oldest%int64(time.Second) != int64(300*time.Microsecond) {
			t.Fatalf("page %d ends at %s, inside a second: the rest of it would be lost", pages, time.Unix(0, oldest).UTC())
		}
		end = time.Unix(0, oldest).Truncate(time.Millisecond)
	}
	if len(seen) != len(store.events) {
		t.Errorf("paging by time found %d of %d events", len(seen), len(store.events))
	}
}

// TestCollectPageKeepsTheExactRange: the store ranges by whole seconds,
// so it is asked for whole seconds and each row is held to the exact
// range: nothing outside it, nothing inside it lost.
func TestCollectPageKeepsTheExactRange(t *testing.T) {
	store := &secondStore{events: crowdedSeconds(3, 10)}
	from, to := pageBase.Add(1004*time.Millisecond), pageBase.Add(2003*time.Millisecond)
	page, err := searchLogPage(context.Background(), store, pageRequest(1000, from, to, "", query.SortDesc))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, ev := range store.events {
		if ev.Timestamp >= from.UnixNano() && ev.Timestamp < to.UnixNano() {
			want++
		}
	}
	for _, h := range page.Hits {
		if h.Event.Timestamp < from.UnixNano() || h.Event.Timestamp >= to.UnixNano() {
			t.Errorf("row at %s is outside [%s, %s)", time.Unix(0, h.Event.Timestamp).UTC(), from, to)
		}
	}
	if len(page.Hits) != want || want == 0 {
		t.Errorf("%d rows, want the %d inside the range", len(page.Hits), want)
	}
}

// TestCollectPageWarnsWhenASecondOverflows: a second holding more rows than
// one answer may carry is cut with a warning, never silently.
func TestCollectPageWarnsWhenASecondOverflows(t *testing.T) {
	store := &secondStore{events: crowdedSeconds(1, 1000)}
	for i := range engine.MaxSearchLimit {
		store.events = append(store.events, engine.Event{Timestamp: pageBase.Add(time.Duration(i%1000) * time.Millisecond).UnixNano(), Seq: uint64(i)})
	}
	page, err := searchLogPage(context.Background(), store, pageRequest(10, pageBase, pageBase.Add(time.Minute), "", query.SortDesc))
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Warnings) != 1 || !strings.Contains(page.Warnings[0], "share the second") || page.Next == "" {
		t.Errorf("warnings %q, next %q: want one saying the second was cut, and a next page", page.Warnings, page.Next)
	}
}
