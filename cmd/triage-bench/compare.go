package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// compareConfig is the side-by-side run's command line.
type compareConfig struct {
	events    int
	streams   int
	bodyBytes int
	queryRuns int
	liveRate  float64
	liveMin   time.Duration
	settleMax time.Duration
	// triageBin is the gpx_triage executable run as `serve`.
	triageBin string
	dir       string
	keep      bool
	out       io.Writer
	// profile, when set, is the prefix of the Triage server's CPU profiles
	// (ingest, queries) and heap profile, taken over profileSeconds each.
	profile        string
	profileSeconds int
}

// systemFigures is everything measured of one system.
type systemFigures struct {
	sys     benchSystem
	ingest  ingestFigures
	peakRSS int64
	disk    int64
	settled time.Duration
	// cpuSettled is the server's CPU from the start of ingest until its
	// background work (flushes, merges) went quiet.
	cpuSettled time.Duration
	// queryCPU sums the server's CPU over each query's timed runs: on a
	// shared machine it moves less with the load than wall-clock time.
	queryCPU map[string]time.Duration
	// idle and live are the timed runs per query and range ("a/24 h").
	idle, live map[string]latencies
	answers    map[string]answer
	liveRate   float64
	liveRetry  int64
	liveLoad   loadSpan
}

// comparison is a whole side-by-side run.
type comparison struct {
	cfg        compareConfig
	day, hour  window
	systems    []*systemFigures // VictoriaLogs first, then Triage
	queryLoad  loadSpan
	mismatches []string
}

// runCompare measures VictoriaLogs and Triage side by side on the same
// generated events, through their HTTP APIs, and prints the table.
// A difference between the two systems' answers is printed loudly and
// makes the run fail after the table.
func runCompare(ctx context.Context, cfg compareConfig) error {
	if cfg.dir == "" {
		dir, err := os.MkdirTemp("", "triage-compare-")
		if err != nil {
			return err
		}
		cfg.dir = dir
	}
	if !cfg.keep {
		defer os.RemoveAll(cfg.dir)
	}
	ws := windows(storedResult(cfg.events))
	c := &comparison{cfg: cfg, day: ws[0], hour: ws[1]}
	fmt.Fprintf(cfg.out, "# triage-bench compare: %d events, %d streams × %s bodies, VictoriaLogs %s vs gpx_triage serve, %s, source %s\n\n",
		cfg.events, cfg.streams, mib(int64(cfg.bodyBytes)), victoriaVersion(), time.Now().UTC().Format(time.DateTime), sourceRevision())
	vl, err := startVictoria(ctx, filepath.Join(cfg.dir, "victorialogs"))
	if err != nil {
		return err
	}
	tr, err := startTriage(ctx, cfg.triageBin, filepath.Join(cfg.dir, "triage"), cfg.profile != "")
	if err != nil {
		return errors.Join(err, vl.stop())
	}
	c.systems = []*systemFigures{{sys: vl}, {sys: tr}}
	err = c.measure(ctx)
	for _, s := range c.systems {
		err = errors.Join(err, s.sys.stop())
	}
	if err != nil {
		return err
	}
	c.print(cfg.out)
	if len(c.mismatches) > 0 {
		return fmt.Errorf("the two systems answered %d queries differently (see MISMATCH above)", len(c.mismatches))
	}
	return nil
}

func (c *comparison) measure(ctx context.Context) error {
	cfg := c.cfg
	// Ingest one system at a time: on two cores, concurrent ingest would
	// measure the contention between them.
	for _, s := range c.systems {
		fmt.Fprintf(os.Stderr, "compare: ingesting %d events into %s\n", cfg.events, s.sys.name())
		prof := c.startProfile(ctx, s, "ingest")
		var err error
		if s.ingest, err = bulkIngest(ctx, s.sys, cfg.events, cfg.streams, cfg.bodyBytes, c.day); err != nil {
			return err
		}
		if err := s.settle(ctx, cfg.settleMax); err != nil {
			return err
		}
		if err := prof.wait(); err != nil {
			return err
		}
		if t, ok := s.sys.(*triageSystem); ok && cfg.profile != "" {
			if err := fetchToFile(ctx, t.url+"/debug/pprof/heap", cfg.profile+"-ingest-heap.pprof"); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(os.Stderr, "compare: timing queries, interleaved")
	prof := c.startProfile(ctx, c.systems[len(c.systems)-1], "queries")
	if err := c.timeIdle(ctx); err != nil {
		return err
	}
	if err := prof.wait(); err != nil {
		return err
	}
	if cfg.liveRate <= 0 {
		return nil
	}
	for _, s := range c.systems {
		fmt.Fprintf(os.Stderr, "compare: timing queries while ingesting into %s\n", s.sys.name())
		if err := c.timeLive(ctx, s); err != nil {
			return err
		}
		if _, err := settleProcess(ctx, s.sys.pid(), quietFor, cfg.settleMax); err != nil {
			return err
		}
	}
	return nil
}

// startProfile profiles the Triage server over the phase when -triage-pprof asks.
func (c *comparison) startProfile(ctx context.Context, s *systemFigures, phase string) *serverProfile {
	t, ok := s.sys.(*triageSystem)
	if !ok || c.cfg.profile == "" {
		return nil
	}
	return startServerProfile(ctx, t.url, c.cfg.profile+"-"+phase+".pprof", c.cfg.profileSeconds)
}

// quietFor is how long a server must stay nearly idle to count as settled:
// longer than Triage's idle flush (a head that stopped growing is written
// after 10 s) and VictoriaLogs' in-memory flush (5 s), so neither is
// measured before it has written what it holds in memory.
const quietFor = 12 * time.Second

// settle waits for background work (merges, flushes) to end, then takes
// the peak memory and the disk footprint.
func (s *systemFigures) settle(ctx context.Context, maxWait time.Duration) error {
	var err error
	if s.settled, err = settleProcess(ctx, s.sys.pid(), quietFor, maxWait); err != nil {
		return err
	}
	cpu, err := procCPU(s.sys.pid())
	if err != nil {
		return err
	}
	s.cpuSettled = cpu - s.ingest.cpuStart
	if s.peakRSS, err = procMemory(s.sys.pid(), "VmHWM"); err != nil {
		return err
	}
	s.disk, err = stableDirSize(ctx, s.sys.dataDir(), maxWait)
	return err
}

// diskStableFor is how long a data directory must keep its size to count
// as settled: longer than VictoriaLogs' -inmemoryDataFlushInterval (5 s),
// after which it has written its in-memory parts.
const diskStableFor = 6 * time.Second

// stableDirSize returns dir's size once it stopped changing for
// diskStableFor, or its size after maxWait.
func stableDirSize(ctx context.Context, dir string, maxWait time.Duration) (int64, error) {
	deadline := time.Now().Add(maxWait)
	prev, err := dirSize(dir)
	for err == nil && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return prev, ctx.Err()
		case <-time.After(diskStableFor):
		}
		var cur int64
		if cur, err = dirSize(dir); err == nil && cur == prev {
			break
		}
		prev = cur
	}
	return prev, err
}

// rangesOf are the windows q is timed over.
func (c *comparison) rangesOf(q compareQuery) []window {
	if q.hourToo {
		return []window{c.day, c.hour}
	}
	return []window{c.day}
}

func timingKey(q compareQuery, w window) string { return q.id + "/" + w.name }

// timeIdle times every query on both systems, run by run: one untimed
// warm-up, then cfg.queryRuns rounds, alternating which system goes first.
// The answers of the warm-up and the last round are compared.
func (c *comparison) timeIdle(ctx context.Context) error {
	c.queryLoad = startLoad()
	for _, s := range c.systems {
		s.idle, s.answers, s.queryCPU = map[string]latencies{}, map[string]answer{}, map[string]time.Duration{}
	}
	for run := -1; run < c.cfg.queryRuns; run++ {
		for _, q := range compareQueries() {
			for _, w := range c.rangesOf(q) {
				order := c.systems
				if run%2 != 0 {
					order = []*systemFigures{c.systems[1], c.systems[0]}
				}
				for _, s := range order {
					cpu0, err := procCPU(s.sys.pid())
					if err != nil {
						return err
					}
					d, a, err := runQuery(ctx, s.sys, q, w)
					if err != nil {
						return err
					}
					cpu1, err := procCPU(s.sys.pid())
					if err != nil {
						return err
					}
					key := timingKey(q, w)
					if run >= 0 {
						s.queryCPU[key] += cpu1 - cpu0
					}
					if run < 0 || run == c.cfg.queryRuns-1 {
						if prev, ok := s.answers[key]; ok && differences(q, prev, a, "warm-up", "last run") != nil {
							c.mismatch(q, w, fmt.Sprintf("%s answered differently between runs", s.sys.name()))
						}
						s.answers[key] = a
					}
					if run >= 0 {
						s.idle[key] = append(s.idle[key], d)
					}
				}
				if run < 0 {
					c.compareAnswers(q, w)
				}
			}
		}
	}
	c.queryLoad.end()
	return nil
}

// compareAnswers checks that both systems gave the same answer.
func (c *comparison) compareAnswers(q compareQuery, w window) {
	key := timingKey(q, w)
	vl, tr := c.systems[0], c.systems[1]
	a, b := vl.answers[key], tr.answers[key]
	if a.empty() && b.empty() {
		c.mismatch(q, w, "both systems found nothing, so the query proves nothing at this size")
		return
	}
	for _, d := range differences(q, a, b, vl.sys.name(), tr.sys.name()) {
		c.mismatch(q, w, d)
	}
}

func (c *comparison) mismatch(q compareQuery, w window, msg string) {
	line := fmt.Sprintf("MISMATCH (%s) %s, %s: %s", q.id, q.name, w.name, msg)
	c.mismatches = append(c.mismatches, line)
	fmt.Fprintln(os.Stderr, line)
}

// runQuery times one query: the request and reading the whole answer.
// Parsing the answer is not timed.
func runQuery(ctx context.Context, sys benchSystem, q compareQuery, w window) (time.Duration, answer, error) {
	req, err := sys.queryRequest(ctx, q, w)
	if err != nil {
		return 0, answer{}, err
	}
	start := time.Now()
	body, err := fetch(req)
	d := time.Since(start)
	if err != nil {
		return 0, answer{}, fmt.Errorf("%s query (%s) over %s: %w", sys.name(), q.id, w.name, err)
	}
	a, err := sys.parseAnswer(q, body)
	return d, a, err
}

// timeLive streams new events into s at cfg.liveRate while timing its
// live queries over the day, in rounds, for at least cfg.liveMin and
// cfg.queryRuns rounds. The live events lie outside the day, so the
// answers must not change; they are checked.
func (c *comparison) timeLive(ctx context.Context, s *systemFigures) error {
	s.live = map[string]latencies{}
	s.liveLoad = startLoad()
	live := startLiveHTTP(s.sys, c.cfg.liveRate, c.cfg.streams, c.cfg.bodyBytes)
	// Let ingest reach its pace (a body in flight on each stream) first.
	time.Sleep(2 * time.Second)
	start := time.Now()
	var qerr error
	for rounds := 0; qerr == nil && (rounds < c.cfg.queryRuns || time.Since(start) < c.cfg.liveMin); rounds++ {
		for _, q := range compareQueries() {
			if !q.live {
				continue
			}
			d, a, err := runQuery(ctx, s.sys, q, c.day)
			if err != nil {
				qerr = err
				break
			}
			key := timingKey(q, c.day)
			s.live[key] = append(s.live[key], d)
			if rounds == 0 {
				for _, diff := range differences(q, s.answers[key], a, "idle", "while ingesting") {
					c.mismatch(q, c.day, s.sys.name()+": "+diff)
				}
			}
		}
	}
	var err error
	s.liveRate, s.liveRetry, err = live.stop()
	s.liveLoad.end()
	return errors.Join(qerr, err)
}
