package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// triageSystem is `gpx_triage serve`: ingest through Quickwit's NDJSON API
// (what Vector's http sink sends, examples/vector.toml), queries through
// Quickwit's search API with Elasticsearch aggregations.
type triageSystem struct {
	url string
	dir string
	cmd *exec.Cmd
	log *tailBuffer
	// done is closed when the process has exited; err is its exit status.
	done chan struct{}
	err  error
}

// startTriage runs bin serve over a fresh store in dir on a free loopback
// port and returns once the index API answers; profiling adds -pprof.
func startTriage(ctx context.Context, bin, dir string, profiling bool) (*triageSystem, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	s := &triageSystem{url: "http://" + addr, dir: dir, log: &tailBuffer{}, done: make(chan struct{})}
	args := []string{"serve", "-data", dir, "-listen", addr}
	if profiling {
		args = append(args, "-pprof")
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.Env = append(os.Environ(), "TRIAGE_INGEST_TOKEN=")
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	if err := waitHTTP(ctx, s.url+"/api/v1/indexes/logs", s.done, s.log); err != nil {
		s.stop()
		return nil, fmt.Errorf("gpx_triage serve on %s: %w", addr, err)
	}
	return s, nil
}

func (s *triageSystem) name() string    { return "Triage" }
func (s *triageSystem) pid() int        { return s.cmd.Process.Pid }
func (s *triageSystem) dataDir() string { return s.dir }

func (s *triageSystem) ingestRequest(ctx context.Context, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/api/v1/logs/ingest", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	return req, nil
}

// quickwitSearch is the body of POST /api/v1/logs/search.
type quickwitSearch struct {
	Query   string          `json:"query"`
	Start   int64           `json:"start_timestamp"`
	End     int64           `json:"end_timestamp"`
	MaxHits int             `json:"max_hits"`
	Aggs    json.RawMessage `json:"aggs,omitempty"`
}

func (s *triageSystem) search(ctx context.Context, q quickwitSearch) (*http.Request, error) {
	b, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	return jsonPost(ctx, s.url+"/api/v1/logs/search", b)
}

func (s *triageSystem) countRequest(ctx context.Context, w window) (*http.Request, error) {
	return s.search(ctx, quickwitSearch{Query: "*", Start: w.start.Unix(), End: w.end.Unix()})
}

func (s *triageSystem) parseCount(body []byte) (int64, error) {
	var r struct {
		NumHits int64 `json:"num_hits"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, fmt.Errorf("Triage search answer: %w", err)
	}
	return r.NumHits, nil
}

func (s *triageSystem) queryRequest(ctx context.Context, q compareQuery, w window) (*http.Request, error) {
	req := quickwitSearch{Query: q.quickwit, Start: w.start.Unix(), End: w.end.Unix()}
	if q.kind == newestHits {
		// Quickwit sorts by the timestamp field, newest first, by default.
		req.MaxHits = newestLimit
	} else {
		req.Aggs = json.RawMessage(q.aggs)
	}
	return s.search(ctx, req)
}

// quickwitBucket is one bucket of an Elasticsearch-shaped aggregation.
type quickwitBucket struct {
	Key      json.RawMessage `json:"key"`
	DocCount int64           `json:"doc_count"`
	P99      *struct {
		Values map[string]*float64 `json:"values"`
	} `json:"p99"`
}

func (s *triageSystem) parseAnswer(q compareQuery, body []byte) (answer, error) {
	var r struct {
		Hits []struct {
			Timestamp string `json:"timestamp"`
			TraceID   string `json:"trace_id"`
		} `json:"hits"`
		Aggregations map[string]struct {
			Buckets []quickwitBucket `json:"buckets"`
		} `json:"aggregations"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return answer{}, fmt.Errorf("Triage answer to (%s): %w", q.id, err)
	}
	var a answer
	if q.kind == newestHits {
		for _, h := range r.Hits {
			t, err := time.Parse(time.RFC3339Nano, h.Timestamp)
			if err != nil {
				return a, fmt.Errorf("Triage hit of (%s): timestamp %q: %w", q.id, h.Timestamp, err)
			}
			a.hits = append(a.hits, hitKey(t.UnixNano(), h.TraceID))
		}
		return a, nil
	}
	a.buckets = map[string]float64{}
	for _, agg := range r.Aggregations {
		for _, b := range agg.Buckets {
			// A term's key is a JSON string or number; a minute's, its
			// Unix ms.
			key := string(b.Key)
			var text string
			if json.Unmarshal(b.Key, &text) == nil {
				key = text
			}
			switch {
			case b.DocCount == 0:
			case q.kind == bucketCounts:
				a.buckets[key] = float64(b.DocCount)
			case b.P99 != nil && b.P99.Values["99.0"] != nil:
				a.buckets[key] = *b.P99.Values["99.0"]
			default:
				a.buckets[key] = math.NaN()
			}
		}
	}
	return a, nil
}

// stop ends the server as an operator would (SIGINT: finish requests in
// flight, close the store), killing it after a minute.
func (s *triageSystem) stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("gpx_triage serve did not stop within a minute of SIGINT; killed. Log:\n%s", s.log)
	}
	if s.err != nil {
		return fmt.Errorf("gpx_triage serve exited with %v. Log:\n%s", s.err, s.log)
	}
	return nil
}

// unixMs formats a time as the Unix-millisecond key date histograms use.
func unixMs(unixNano int64) string { return strconv.FormatInt(unixNano/1e6, 10) }
