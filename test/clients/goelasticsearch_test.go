package clients

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// The client retry settings documented in examples/go-elasticsearch.md:
// go-elasticsearch retries connection errors and 502/503/504 by default,
// three times without pause; adding 429 and a backoff, as its own bulk
// indexer example does, rides out overload and a restart.
var (
	retryOnStatus = []int{429, 502, 503, 504}
	maxRetries    = 30
	retryBackoff  = func(attempt int) time.Duration {
		return min(50*time.Millisecond<<min(attempt, 6), 2*time.Second)
	}
)

// esClient is what the scenarios need of one go-elasticsearch major
// version; esclient_v{7,8,9}_test.go implement it over each.
type esClient interface {
	name() string
	bulk(t *testing.T, cfg bulkConfig) *bulkStats
	search(t *testing.T, index, body string) []byte
	msearch(t *testing.T, body string) []byte
	count(t *testing.T, index, body string) []byte
	fieldCaps(t *testing.T, index, fields string) []byte
}

type bulkConfig struct {
	index      string
	n          int
	workers    int
	flushBytes int
	doc        func(i int) (id string, body []byte)
	// tick is called every 1,000 documents added with the count flushed.
	tick func(flushed uint64)
}

// bulkStats is what the server answered for each document over every
// pass of a bulk load.
type bulkStats struct {
	mu          sync.Mutex
	answer      []byte // per document: 0 none yet, answerStored, answerRefused
	stored      uint64
	failed      uint64
	resent      int
	failures    []string
	flushErrors []string
}

const (
	answerStored = 1 + iota
	answerRefused
)

func (s *bulkStats) noteStored(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.answer[i] == 0 {
		s.stored++
	}
	s.answer[i] = answerStored
}

// noteFailed records an item's failure callback. Status 0 means the
// server never answered: go-elasticsearch v8 and v9 fail every item of a
// flush whose answer was cut, with the flush's error, so it is left
// unanswered (to be re-sent), not counted as refused.
func (s *bulkStats) noteFailed(i, status int, msg string, err error) {
	if status == 0 && err != nil {
		s.noteFlushError(err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer[i] = answerRefused
	s.failed++
	if len(s.failures) < 5 {
		s.failures = append(s.failures, msg)
	}
}

// noteFlushError records a flush whose answer never arrived whole; v7
// gives its documents neither a success nor a failure callback.
func (s *bulkStats) noteFlushError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.flushErrors) < 3 {
		s.flushErrors = append(s.flushErrors, err.Error())
	}
}

func (s *bulkStats) storedSoFar() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored
}

func (s *bulkStats) unanswered() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pending []int
	for i, a := range s.answer {
		if a == 0 {
			pending = append(pending, i)
		}
	}
	return pending
}

// bulkUntilAnswered loads cfg.n documents with pass, then re-sends the
// ones the server never answered, as an application must: a kill between
// two writes of a bulk answer cuts it, and go-elasticsearch's BulkIndexer
// then calls OnError for the flush without failing or retrying its items.
// Ids make re-sending harmless; checkExact proves none is stored twice.
func bulkUntilAnswered(t *testing.T, cfg bulkConfig, pass func(st *bulkStats, pending []int) error) *bulkStats {
	t.Helper()
	st := &bulkStats{answer: make([]byte, cfg.n)}
	pending := make([]int, cfg.n)
	for i := range pending {
		pending[i] = i
	}
	for round := 1; len(pending) > 0; round++ {
		if round > 3 {
			t.Fatalf("after %d passes %d documents still have no answer; flush errors %q", round-1, len(pending), st.flushErrors)
		}
		if round > 1 {
			st.resent += len(pending)
			t.Logf("pass %d: re-sending %d documents whose flush had no answer (%q)", round, len(pending), st.flushErrors)
		}
		if err := pass(st, pending); err != nil {
			t.Fatalf("bulk pass %d: %v", round, err)
		}
		pending = st.unanswered()
	}
	return st
}

var goClients = []struct {
	name string
	new  func(t *testing.T, baseURL string, tr *statusCounter) esClient
	// docs per scenario: issue 12 asks v8 and v9 for 100,000.
	docs int
}{
	{"v7", newESV7, 20_000},
	{"v8", newESV8, 100_000},
	{"v9", newESV9, 100_000},
}

// Each go-elasticsearch major version bulk-indexes documents with ids
// while the server is killed (SIGKILL) and restarted mid-stream, with one
// bulk answer cut in half (what a kill between its writes does), and
// again into a server whose buffer overflows (429s): exactly every
// document is stored once, the client reports no failure, and its Search,
// Msearch, Count and FieldCaps read them back.
func TestGoElasticsearchExactCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 440,000 documents through a real server")
	}
	for _, c := range goClients {
		t.Run(c.name+"/restart", func(t *testing.T) {
			srv := startServer(t, serverOptions{})
			tr := newStatusCounter()
			client := c.new(t, srv.url(), tr)
			restarted := false
			st := client.bulk(t, bulkConfig{index: "logs", n: c.docs, workers: 2, flushBytes: 256 << 10, doc: docFor(c.name),
				tick: func(flushed uint64) {
					if !restarted && flushed >= uint64(c.docs/3) {
						restarted = true
						srv.restart(300 * time.Millisecond)
					}
				}})
			if !restarted {
				t.Fatalf("the bulk ended before a third was flushed; the restart never happened")
			}
			checkExact(t, client, c.name, c.docs, st, tr)
		})
		t.Run(c.name+"/cut-answer", func(t *testing.T) {
			srv := startServer(t, serverOptions{})
			tr := newStatusCounter()
			tr.cutBulkAnswer = 2
			client := c.new(t, srv.url(), tr)
			st := client.bulk(t, bulkConfig{index: "logs", n: 5_000, workers: 2, flushBytes: 64 << 10, doc: docFor(c.name)})
			if tr.bulkAnswers < 2 {
				t.Fatalf("%d bulk answers: the answer this test cuts was never sent", tr.bulkAnswers)
			}
			checkExact(t, client, c.name, 5_000, st, tr)
		})
		t.Run(c.name+"/overload", func(t *testing.T) {
			srv := startServer(t, serverOptions{maxBufferBytes: 1 << 20, flushBytes: 512 << 10})
			tr := newStatusCounter()
			client := c.new(t, srv.url(), tr)
			st := client.bulk(t, bulkConfig{index: "logs", n: c.docs, workers: 8, flushBytes: 256 << 10, doc: docFor(c.name)})
			if tr.count(429) == 0 {
				t.Fatalf("no request was refused with 429 (%s): the overload this test is about never happened", tr)
			}
			checkExact(t, client, c.name, c.docs, st, tr)
		})
	}
}

func docFor(client string) func(i int) (string, []byte) {
	base := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	return func(i int) (string, []byte) {
		ts := base.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
		return fmt.Sprintf("%s-%d", client, i), fmt.Appendf(nil,
			`{"timestamp":%q,"message":"bulk event %d from go-elasticsearch %s","n":%d,"client":%q}`, ts, i, client, i, client)
	}
}

// checkExact reads the index back through the client: Count, every
// document once by search_after paging, Msearch aggregations, FieldCaps.
func checkExact(t *testing.T, c esClient, name string, n int, st *bulkStats, tr *statusCounter) {
	t.Helper()
	if st.failed != 0 || st.stored != uint64(n) {
		t.Fatalf("%s bulk indexer: %d stored, %d failed, want %d and 0; first failures %q (%s)",
			name, st.stored, st.failed, n, st.failures, tr)
	}
	t.Logf("%s: %d documents, %d re-sent, %s", name, n, st.resent, tr)
	var got int64
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		var res struct{ Count int64 }
		if err := json.Unmarshal(c.count(t, "logs", ""), &res); err != nil {
			t.Fatal(err)
		}
		got = res.Count
		if got >= int64(n) || time.Now().After(deadline) {
			break
		}
	}
	if got != int64(n) {
		t.Fatalf("Count: %d documents stored, want exactly %d", got, n)
	}
	seen := make([]bool, n)
	after := ""
	for read := 0; read < n+1; {
		body := `{"size":10000,"sort":[{"timestamp":"asc"},{"_doc":"asc"}],"_source":["n"]` + after + `}`
		var res struct {
			Hits struct {
				Hits []struct {
					Source struct{ N int } `json:"_source"`
					Sort   json.RawMessage `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(c.search(t, "logs", body), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Hits.Hits) == 0 {
			break
		}
		for _, h := range res.Hits.Hits {
			if h.Source.N < 0 || h.Source.N >= n || seen[h.Source.N] {
				t.Fatalf("Search: document n=%d is out of range or returned twice", h.Source.N)
			}
			seen[h.Source.N] = true
			read++
		}
		after = `,"search_after":` + string(res.Hits.Hits[len(res.Hits.Hits)-1].Sort)
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("Search: document n=%d is missing", i)
		}
	}
	msearch := `{"index":"logs"}` + "\n" + `{"size":0,"aggs":{"n":{"stats":{"field":"n"}}}}` + "\n" +
		`{"index":"logs"}` + "\n" + fmt.Sprintf(`{"size":0,"query":{"term":{"client":%q}},"track_total_hits":true}`, name) + "\n"
	var ms struct {
		Responses []struct {
			Status int `json:"status"`
			Hits   struct {
				Total struct{ Value int64 } `json:"total"`
			} `json:"hits"`
			Aggregations struct {
				N struct {
					Count int64   `json:"count"`
					Min   float64 `json:"min"`
					Max   float64 `json:"max"`
					Sum   float64 `json:"sum"`
				} `json:"n"`
			} `json:"aggregations"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(c.msearch(t, msearch), &ms); err != nil || len(ms.Responses) != 2 {
		t.Fatalf("Msearch: %v, %d responses", err, len(ms.Responses))
	}
	stats := ms.Responses[0].Aggregations.N
	if stats.Count != int64(n) || stats.Min != 0 || stats.Max != float64(n-1) || stats.Sum != float64(n)*float64(n-1)/2 {
		t.Errorf("Msearch stats of n: %+v, want count %d, min 0, max %d, sum %v", stats, n, n-1, float64(n)*float64(n-1)/2)
	}
	if ms.Responses[1].Hits.Total.Value != int64(n) {
		t.Errorf("Msearch term client:%s: total %d, want %d", name, ms.Responses[1].Hits.Total.Value, n)
	}
	caps := string(c.fieldCaps(t, "logs", "n,timestamp,client"))
	for _, want := range []string{`"n":{"long":`, `"timestamp":{"date":`, `"client":{"keyword":`} {
		if !strings.Contains(caps, want) {
			t.Errorf("FieldCaps %s lacks %s", caps, want)
		}
	}
}
