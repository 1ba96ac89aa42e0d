package test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/test/harness"
)

// burstStart is where the paging tests' events begin.
var burstStart = time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)

// burstEvent is one ingested event of the paging tests.
type burstEvent struct {
	at  time.Time
	msg string
}

// burstEvents are spread over a minute with bursts that share one
// millisecond exactly (the timestamp written with millisecond precision,
// as most shippers do) and one that shares a millisecond at different
// nanoseconds.
func burstEvents() []burstEvent {
	var out []burstEvent
	add := func(at time.Time, n int, name string) {
		for i := 0; i < n; i++ {
			out = append(out, burstEvent{at: at, msg: fmt.Sprintf("%s %03d", name, i)})
		}
	}
	for s := 0; s < 60; s += 7 {
		add(burstStart.Add(time.Duration(s)*time.Second+3*time.Millisecond), 1, fmt.Sprintf("single-%02d", s))
	}
	add(burstStart.Add(20*time.Second+500*time.Millisecond), 8, "burst-a")
	add(burstStart.Add(40*time.Second+250*time.Millisecond), 7, "burst-b")
	for i := 0; i < 5; i++ {
		out = append(out, burstEvent{at: burstStart.Add(30*time.Second + 100*time.Millisecond + time.Duration(100*i)), msg: fmt.Sprintf("burst-ns %d", i)})
	}
	return out
}

// burstDatasource holds only burstEvents, ingested in one request.
func burstDatasource(t *testing.T) (*harness.Datasource, []burstEvent) {
	t.Helper()
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	events := burstEvents()
	var body strings.Builder
	for _, e := range events {
		fmt.Fprintf(&body, `{"timestamp":%q,"service":"pager","severity":"info","message":%q}`+"\n", e.at.Format(time.RFC3339Nano), e.msg)
	}
	if r := ds.Resource(t, "POST", "ingest/logs?commit=force", []byte(body.String())); r.Status != http.StatusOK {
		t.Fatalf("ingest: %d %s", r.Status, r.Body)
	}
	return ds, events
}

// scrollingThresholdMs is SCROLLING_THRESHOLD of Grafana's
// public/app/features/logs/components/infiniteScrollUtils.ts: older rows
// are asked for while the oldest shown row is more than this after the
// range's start.
const scrollingThresholdMs = 1000

// TestOlderLogsPagingReachesEveryRowOnce replays the requests Explore and
// the logs panel make for older logs (infinite scroll with the newest rows
// first), as public/app/features/logs/components/infiniteScrollUtils.ts
// builds them: getVisibleRange takes the oldest shown row's millisecond
// (timeEpochMs), canScrollBottom asks while that is more than
// SCROLLING_THRESHOLD after the range's start, and getPrevRange keeps the
// range's `from` and sets `to` to that millisecond. Every response's frame
// is appended as combineResponses (public/app/features/logs/response.ts)
// does. The union of the pages must be every event exactly once, without
// leaning on Grafana's id de-duplication.
func TestOlderLogsPagingReachesEveryRowOnce(t *testing.T) {
	ds, events := burstDatasource(t)
	from, to := burstStart, burstStart.Add(time.Minute)
	for _, limit := range []int{1, 3, 5, 100} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			model := fmt.Sprintf(`{"queryType":"logs","query":"service:pager","limit":%d,"sort":"desc"}`, limit)
			var shown []string
			seen := map[string]int{}
			rangeTo := to
			for page := 0; ; page++ {
				if page > len(events)+1 {
					t.Fatalf("paging did not end after %d pages", page)
				}
				r := ds.Query(t, harness.Query{RefID: "A", JSON: model, From: from, To: rangeTo})["A"]
				if r.Error != "" {
					t.Fatalf("page %d: %s", page, r.Error)
				}
				f := r.Frames[0]
				if f.Rows() == 0 {
					break
				}
				ids, bodies := fieldByName(t, f, "id"), fieldByName(t, f, "body")
				oldestMs := int64(1 << 62)
				for i := 0; i < f.Rows(); i++ {
					id := ids.At(i).(string)
					seen[id]++
					shown = append(shown, bodies.At(i).(string))
					if ms := f.Fields[0].At(i).(time.Time).UnixMilli(); ms < oldestMs {
						oldestMs = ms
					}
				}
				if oldestMs-from.UnixMilli() <= scrollingThresholdMs {
					break // canScrollBottom: nothing older to ask for
				}
				rangeTo = time.UnixMilli(oldestMs) // getPrevRange
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("row %s was returned %d times", id, n)
				}
			}
			want := make([]string, len(events))
			for i, e := range events {
				want[i] = e.msg
			}
			sort.Strings(want)
			sort.Strings(shown)
			if strings.Join(shown, "|") != strings.Join(want, "|") {
				t.Fatalf("pages of %d returned %d rows, want all %d events once;\n got  %v\n want %v", limit, len(shown), len(want), shown, want)
			}
		})
	}
}

// contextPageSize is PAGE_SIZE of Grafana's
// public/app/features/logs/components/log-context/LogRowContextModal.tsx:
// every "load more" asks for this many rows.
const contextPageSize = 100

// contextModel is the query src/explore/logContext.ts sends for the rows
// next to the row at position after ("<ns>:<seq>"); backward asks for
// older rows.
func contextModel(after string, backward bool, limit int) string {
	sort := "asc"
	if backward {
		sort = "desc"
	}
	return fmt.Sprintf(`{"queryType":"logs","query":"*","limit":%d,"sort":%q,"after":%q}`, limit, sort, after)
}

// TestLogContextReachesEveryRowOfABurstOnce opens log context on a row in
// the middle of a burst of 250 events in one millisecond and loads more
// above and below as LogRowContextModal.tsx does (loadMore takes the
// outermost loaded row as the next reference row), with the query and
// range src/explore/logContext.ts builds: every event comes back once.
func TestLogContextReachesEveryRowOfABurstOnce(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	at := burstStart.Add(10 * time.Second)
	var body strings.Builder
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&body, `{"timestamp":%q,"service":"ctx","message":"line %03d"}`+"\n", at.Format(time.RFC3339Nano), i)
	}
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&body, `{"timestamp":%q,"service":"ctx","message":"before %02d"}`+"\n", at.Add(-time.Duration(30-i)*time.Millisecond).Format(time.RFC3339Nano), i)
		fmt.Fprintf(&body, `{"timestamp":%q,"service":"ctx","message":"after %02d"}`+"\n", at.Add(time.Duration(i+1)*time.Millisecond).Format(time.RFC3339Nano), i)
	}
	if r := ds.Resource(t, "POST", "ingest/logs?commit=force", []byte(body.String())); r.Status != http.StatusOK {
		t.Fatalf("ingest: %d %s", r.Status, r.Body)
	}
	all := ds.Query(t, harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"*","limit":1000,"sort":"asc"}`,
		From: at.Add(-time.Minute), To: at.Add(time.Minute)})["A"].Frames[0]
	if all.Rows() != 310 {
		t.Fatalf("stored %d events, want 310", all.Rows())
	}
	position := func(f *data.Frame, i int) string {
		id := fieldByName(t, f, "id").At(i).(string)
		return fmt.Sprintf("%d:%s", f.Fields[0].At(i).(time.Time).UnixNano(), id[strings.LastIndex(id, ":")+1:])
	}
	const middle = 125 // "line 095": 30 before it in time, 154 more in its millisecond
	got := map[string]int{fieldByName(t, all, "body").At(middle).(string): 1}
	for _, backward := range []bool{true, false} {
		ref := position(all, middle)
		for page := 0; ; page++ {
			if page > 10 {
				t.Fatal("context paging did not end")
			}
			// src/explore/logContext.ts: the row's millisecond window.
			refNs := int64(0)
			fmt.Sscanf(ref, "%d:", &refNs)
			from, to := time.Unix(0, refNs).Add(-2*time.Hour), time.Unix(0, refNs).Add(time.Millisecond)
			if !backward {
				from, to = time.Unix(0, refNs).Truncate(time.Millisecond), time.Unix(0, refNs).Add(2*time.Hour)
			}
			r := ds.Query(t, harness.Query{RefID: "C", JSON: contextModel(ref, backward, contextPageSize), From: from, To: to})["C"]
			if r.Error != "" {
				t.Fatal(r.Error)
			}
			f := r.Frames[0]
			if f.Rows() == 0 {
				break
			}
			for i := 0; i < f.Rows(); i++ {
				got[fieldByName(t, f, "body").At(i).(string)]++
			}
			ref = position(f, f.Rows()-1)
		}
	}
	for line, n := range got {
		if n != 1 {
			t.Errorf("%s came back %d times", line, n)
		}
	}
	if len(got) != all.Rows() {
		t.Fatalf("log context reached %d of %d events", len(got), all.Rows())
	}
}
