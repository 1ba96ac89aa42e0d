package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/quickwit"
	"github.com/triage-logs/triage/pkg/backend/quickwitfake"
	"github.com/triage-logs/triage/pkg/backend/victorialogs"
	"github.com/triage-logs/triage/pkg/engine"
	vltest "github.com/triage-logs/triage/test/victorialogs"
)

// index is the index every target serves the data under.
const index = "logs"

// target is one backend holding the generated data.
type target struct {
	name string
	be   backend.Backend
	// secondPrecision: the store keeps timestamps in whole seconds for
	// sorting and ranges (Quickwit's default fast precision).
	secondPrecision bool
	// fake is set for targets on the Quickwit fake, to inject failures.
	fake *quickwitfake.Server
}

// starts lists every target; the first is the reference. A new target is
// one line here.
var starts = []struct {
	name  string
	start func(dir string, ds *dataset) (*target, func(), error)
}{
	{"embedded", startEmbedded},
	{"victorialogs-cluster", startVictoriaLogsCluster},
	{"quickwit-0.9-fake", startQuickwitFake("0.9.1")},
	{"quickwit-0.8-fake", startQuickwitFake("0.8.2")},
}

var (
	data    *dataset
	targets []*target
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "triage-conformance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if data, err = generate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, s := range starts {
		t, stop, err := s.start(filepath.Join(dir, s.name), data)
		if err != nil {
			fmt.Fprintf(os.Stderr, "start target %s: %v\n", s.name, err)
			return 1
		}
		defer stop()
		t.name = s.name
		targets = append(targets, t)
	}
	return m.Run()
}

func startEmbedded(dir string, ds *dataset) (*target, func(), error) {
	eng, err := engine.Open(dir, engine.Options{})
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i < len(ds.lines); i += 5000 {
		res, err := eng.Ingest(context.Background(), index, ds.lines[i:min(i+5000, len(ds.lines))], engine.IngestOptions{Commit: engine.CommitForce})
		if err != nil || len(res.Rejected) > 0 {
			eng.Close()
			return nil, nil, fmt.Errorf("ingest: %v %v", err, res.Rejected)
		}
	}
	return &target{be: backend.NewEmbedded(eng)}, func() { eng.Close() }, nil
}

// startVictoriaLogsCluster runs two vlstorage, a vlinsert and a vlselect,
// feeds the data through vlinsert and waits until vlselect counts it all.
func startVictoriaLogsCluster(dir string, ds *dataset) (*target, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := vltest.StartCluster(ctx, dir, 2)
	if err != nil {
		return nil, nil, err
	}
	ingest := c.Insert.URL + "/insert/jsonline?_time_field=timestamp&_msg_field=message&_stream_fields=service,host"
	res, err := http.Post(ingest, "application/stream+json", bytes.NewReader(bytes.Join(ds.lines, []byte("\n"))))
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			err = fmt.Errorf("vlinsert answered %s", res.Status)
		}
	}
	if err != nil {
		c.Stop()
		return nil, nil, err
	}
	s := backend.Settings{Kind: backend.KindVictoriaLogs, URL: c.Select.URL}
	if err := s.Validate(); err != nil {
		c.Stop()
		return nil, nil, err
	}
	be, err := victorialogs.New(s)
	if err != nil {
		c.Stop()
		return nil, nil, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "*", Start: dataFrom, End: dataTo.Add(time.Hour)})
		if err == nil && r.DocCount == int64(len(ds.lines)) {
			break
		}
		if time.Now().After(deadline) {
			c.Stop()
			return nil, nil, fmt.Errorf("vlselect counts %d of %d events (%v); logs:\n%s", r.DocCount, len(ds.lines), err, c.Logs())
		}
		time.Sleep(500 * time.Millisecond)
	}
	return &target{be: be}, c.Stop, nil
}

// quickwitIndex is the index config the Quickwit targets are given:
// Triage's default mapping as Quickwit writes it.
const quickwitIndex = `{"version":"0.8","index_id":"logs","doc_mapping":{"mode":"dynamic","field_mappings":[
 {"name":"timestamp","type":"datetime","fast":true,"input_formats":["rfc3339"]},
 {"name":"message","type":"text","tokenizer":"default"},
 {"name":"severity","type":"text","tokenizer":"raw","fast":true}],"timestamp_field":"timestamp"},
 "search_settings":{"default_search_fields":["message"]},"indexing_settings":{"commit_timeout_secs":1}}`

func startQuickwitFake(version string) func(string, *dataset) (*target, func(), error) {
	return func(_ string, ds *dataset) (*target, func(), error) {
		fake := quickwitfake.New(quickwitfake.Options{Version: version})
		srv := httptest.NewServer(fake)
		t, err := quickwitHTTP(srv.URL, ds)
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		t.fake = fake
		return t, srv.Close, nil
	}
}

// quickwitHTTP loads the data into any server speaking Quickwit's REST API
// (creating the index unless it exists) and returns the Quickwit adapter
// over it.
func quickwitHTTP(base string, ds *dataset) (*target, error) {
	res, err := http.Get(base + "/api/v1/indexes/" + index)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		if err := post(base+"/api/v1/indexes", []byte(quickwitIndex)); err != nil {
			return nil, fmt.Errorf("create the index: %w", err)
		}
	}
	for i := 0; i < len(ds.lines); i += 5000 {
		body := bytes.Join(ds.lines[i:min(i+5000, len(ds.lines))], []byte("\n"))
		if err := post(base+"/api/v1/"+index+"/ingest?"+url.Values{"commit": {"force"}}.Encode(), body); err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
	}
	s := backend.Settings{Kind: backend.KindQuickwit, URL: base}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	be, err := quickwit.New(s)
	if err != nil {
		return nil, err
	}
	return &target{be: be, secondPrecision: true}, nil
}

func post(u string, body []byte) error {
	res, err := http.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %s %s", u, res.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// forEach runs f on every target but the reference, with the reference.
func forEach(t *testing.T, f func(t *testing.T, ref, tg *target)) {
	for _, tg := range targets[1:] {
		t.Run(tg.name, func(t *testing.T) { f(t, targets[0], tg) })
	}
}
