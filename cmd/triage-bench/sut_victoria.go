package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/test/victorialogs"
)

// victoriaSystem is VictoriaLogs: ingest through /insert/jsonline (what
// Vector's http sink sends it), queries in LogsQL through
// /select/logsql/query.
type victoriaSystem struct {
	srv *victorialogs.Server
	dir string
}

// startVictoria runs the pinned VictoriaLogs (installed on first use) with
// its data under dir.
func startVictoria(ctx context.Context, dir string) (*victoriaSystem, error) {
	srv, err := victorialogs.Start(ctx, dir)
	if err != nil {
		return nil, err
	}
	return &victoriaSystem{srv: srv, dir: filepath.Join(dir, "data")}, nil
}

func (s *victoriaSystem) name() string    { return "VictoriaLogs" }
func (s *victoriaSystem) pid() int        { return s.srv.Pid() }
func (s *victoriaSystem) dataDir() string { return s.dir }

// victoriaStreamFields are the log stream fields: the source of each line,
// as VictoriaLogs' docs ask (low cardinality, identifying where logs come
// from). Hosts belong to one service each, so this makes ~50 streams.
const victoriaStreamFields = "service,host"

func (s *victoriaSystem) ingestRequest(ctx context.Context, body []byte) (*http.Request, error) {
	q := url.Values{"_time_field": {"timestamp"}, "_msg_field": {"message"}, "_stream_fields": {victoriaStreamFields}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.srv.URL+"/insert/jsonline?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/stream+json")
	return req, nil
}

// logsql builds a /select/logsql/query request over w. VictoriaLogs' end
// bound is inclusive; Triage's (Quickwit's) is exclusive, so the end sent
// is a nanosecond earlier.
func (s *victoriaSystem) logsql(ctx context.Context, query string, w window, limit int) (*http.Request, error) {
	form := url.Values{"query": {query},
		"start": {w.start.UTC().Format(time.RFC3339Nano)},
		"end":   {w.end.Add(-time.Nanosecond).UTC().Format(time.RFC3339Nano)}}
	if limit > 0 {
		form.Set("limit", strconv.Itoa(limit))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.srv.URL+"/select/logsql/query", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

func (s *victoriaSystem) countRequest(ctx context.Context, w window) (*http.Request, error) {
	return s.logsql(ctx, "* | stats count() n", w, 0)
}

func (s *victoriaSystem) parseCount(body []byte) (int64, error) {
	rows, err := jsonLines(body)
	if err != nil || len(rows) != 1 {
		return 0, fmt.Errorf("VictoriaLogs count answer %q: want one line (%v)", body, err)
	}
	return strconv.ParseInt(rows[0]["n"], 10, 64)
}

func (s *victoriaSystem) queryRequest(ctx context.Context, q compareQuery, w window) (*http.Request, error) {
	limit := 0
	if q.kind == newestHits {
		limit = newestLimit
	}
	return s.logsql(ctx, q.logsql, w, limit)
}

func (s *victoriaSystem) parseAnswer(q compareQuery, body []byte) (answer, error) {
	rows, err := jsonLines(body)
	if err != nil {
		return answer{}, fmt.Errorf("VictoriaLogs answer to (%s): %w", q.id, err)
	}
	var a answer
	if q.kind != newestHits {
		a.buckets = map[string]float64{}
	}
	for _, r := range rows {
		var key string
		if q.kind == newestHits || q.termsField == "" {
			t, err := time.Parse(time.RFC3339Nano, r["_time"])
			if err != nil {
				return a, fmt.Errorf("VictoriaLogs answer to (%s): _time %q: %w", q.id, r["_time"], err)
			}
			if q.kind == newestHits {
				a.hits = append(a.hits, hitKey(t.UnixNano(), r["trace_id"]))
				continue
			}
			key = unixMs(t.UnixNano())
		} else {
			key = r[q.termsField]
		}
		field := "hits"
		if q.kind == bucketValues {
			field = "p99"
		}
		v, err := strconv.ParseFloat(r[field], 64)
		if err != nil {
			return a, fmt.Errorf("VictoriaLogs answer to (%s): %s %q: %w", q.id, field, r[field], err)
		}
		a.buckets[key] = v
	}
	return a, nil
}

func (s *victoriaSystem) stop() error {
	s.srv.Stop()
	return nil
}

// jsonLines reads VictoriaLogs' answer: one JSON object of strings per line.
func jsonLines(body []byte) ([]map[string]string, error) {
	var out []map[string]string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		row := map[string]string{}
		if err := json.Unmarshal(line, &row); err != nil {
			return nil, fmt.Errorf("line %q: %w", line, err)
		}
		out = append(out, row)
	}
	return out, sc.Err()
}
