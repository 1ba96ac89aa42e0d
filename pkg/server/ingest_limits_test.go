package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
)

// allocatedBy returns the bytes the process allocated while fn ran: the
// server runs in this process, so this is what the requests made it build.
// Unlike a sampled peak it does not depend on timing.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// postDiscard posts body and returns the status, the reply's size and, when
// it is small, its text; the reply is not kept, so it is not counted.
func postDiscard(t *testing.T, url string, body []byte) (int, int64, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, 0, ""
	}
	defer res.Body.Close()
	head := make([]byte, 4<<20)
	n, _ := io.ReadFull(res.Body, head)
	rest, _ := io.Copy(io.Discard, res.Body)
	return res.StatusCode, int64(n) + rest, string(head[:n])
}

const MiB = 1 << 20

// A 10 MiB body used to make the server build gigabytes: a failure record
// per line, a per-document error list and a reply of hundreds of
// megabytes. Bodies past the line limit are now refused before anything
// is built, and those within it cost a bounded multiple of their size.
func TestIngestCostIsBoundedPerRequest(t *testing.T) {
	srv, eng, _ := newTestServer(t, engine.Options{}, "")
	tenMiBOf := func(line string) []byte { return bytes.Repeat([]byte(line), (10*MiB-1)/len(line)) }

	t.Run("four concurrent 10 MiB bodies of 1\\n", func(t *testing.T) {
		body := tenMiBOf("1\n")
		var wg sync.WaitGroup
		alloc := allocatedBy(func() {
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					code, _, msg := postDiscard(t, srv.URL+"/api/v1/logs/ingest", body)
					if code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "lines") {
						t.Errorf("%d %s, want 413 naming the line limit", code, msg)
					}
				}()
			}
			wg.Wait()
		})
		// Four bodies read (10 MiB each, grown by io.ReadAll) and nothing
		// else; before: 13.5 GB for the four.
		if alloc > 256*MiB {
			t.Errorf("four requests allocated %d MiB, want under 256 MiB", alloc/MiB)
		}
		t.Logf("allocated %d MiB", alloc/MiB)
	})

	t.Run("10 MiB of {} with detailed_response", func(t *testing.T) {
		var code int
		var size int64
		alloc := allocatedBy(func() {
			code, size, _ = postDiscard(t, srv.URL+"/api/v1/logs/ingest?detailed_response=true", tenMiBOf("{}\n"))
		})
		if code != http.StatusRequestEntityTooLarge || alloc > 96*MiB {
			t.Errorf("%d, %d-byte reply, allocated %d MiB; want 413 under 96 MiB (before: 200, a 486 MB reply, 4.3 GB)", code, size, alloc/MiB)
		}
	})

	t.Run("a million {} lines with detailed_response, at the limit", func(t *testing.T) {
		var code int
		var size int64
		var msg string
		alloc := allocatedBy(func() {
			code, size, msg = postDiscard(t, srv.URL+"/api/v1/logs/ingest?detailed_response=true",
				bytes.Repeat([]byte("{}\n"), ingest.DefaultMaxBodyLines))
		})
		var res struct {
			Rejected  int               `json:"num_rejected_docs"`
			Failures  []json.RawMessage `json:"parse_failures"`
			NotListed int               `json:"parse_failures_not_listed"`
		}
		if err := json.Unmarshal([]byte(msg), &res); err != nil {
			t.Fatalf("%d: %v in a %d-byte reply", code, err, size)
		}
		if code != 200 || res.Rejected != ingest.DefaultMaxBodyLines || len(res.Failures) != ingest.MaxListedFailures ||
			res.NotListed != ingest.DefaultMaxBodyLines-ingest.MaxListedFailures {
			t.Fatalf("%d: %d rejected, %d listed, %d not listed; want every document counted and %d listed",
				code, res.Rejected, len(res.Failures), res.NotListed, ingest.MaxListedFailures)
		}
		if size > 2*MiB || alloc > 768*MiB {
			t.Errorf("reply %d bytes, allocated %d MiB; want under 2 MiB and 768 MiB (before: a 137 MB reply)", size, alloc/MiB)
		}
		t.Logf("reply %d bytes, allocated %d MiB", size, alloc/MiB)
	})

	t.Run("half a million bulk actions, at the limit", func(t *testing.T) {
		var code int
		var size int64
		alloc := allocatedBy(func() {
			code, size, _ = postDiscard(t, srv.URL+"/api/v1/_elastic/logs/_bulk",
				bytes.Repeat([]byte("{\"index\":{}}\n1\n"), ingest.DefaultMaxBodyLines/2))
		})
		// Elasticsearch answers each action, so the reply grows with the
		// request; it is streamed rather than built whole.
		if code != 200 || alloc > 1200*MiB {
			t.Errorf("%d, %d-byte reply, allocated %d MiB; want 200 under 1200 MiB (before: 1525 MiB)", code, size, alloc/MiB)
		}
		t.Logf("reply %d bytes, allocated %d MiB", size, alloc/MiB)
	})

	if n := events(t, eng, "logs"); n != 0 {
		t.Fatalf("%d events stored from bodies without a single valid document", n)
	}
}
