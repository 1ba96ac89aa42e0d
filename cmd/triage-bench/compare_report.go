package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/triage-logs/triage/test/victorialogs"
)

func victoriaVersion() string { return victorialogs.Version }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// figure is one cell: a value, how it prints, and the load it was taken under.
type figure struct {
	v    float64
	text string
	load loadSpan
}

// row is one line of the table: VictoriaLogs, Triage, and their ratio.
type row struct {
	name   string
	vl, tr []figure // one per range or percentile, shown "x / y"
}

func (r row) cells(fs []figure) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.text
	}
	return strings.Join(parts, " / ") + " (" + fs[0].load.String() + ")"
}

func (r row) ratio() string {
	parts := make([]string, len(r.vl))
	for i := range r.vl {
		if r.vl[i].v == 0 {
			parts[i] = "—"
			continue
		}
		parts[i] = fmt.Sprintf("%.2f", r.tr[i].v/r.vl[i].v)
	}
	return strings.Join(parts, " / ")
}

func (c *comparison) print(w io.Writer) {
	vl, tr := c.systems[0], c.systems[1]
	fmt.Fprintf(w, "| figure (%d events, %d streams) | VictoriaLogs | Triage | Triage/VL |\n|---|---|---|---|\n", c.cfg.events, c.cfg.streams)
	for _, r := range c.rows() {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.name, r.cells(r.vl), r.cells(r.tr), r.ratio())
	}
	fmt.Fprintf(w, "\nQueries: medians of %d runs per system, interleaved run by run; p99 is nearest-rank, so with under 100 runs it is the slowest. Load is the 1-minute load average at the start and end of each measurement.\n", c.cfg.queryRuns)
	for _, s := range c.systems {
		fmt.Fprintf(w, "%s: ingest took %.1f s and %.1f CPU-s of the server; background work went quiet (12 s without CPU) %.1f s after the events were searchable, at %.1f CPU-s in all; %s on disk.\n",
			s.sys.name(), s.ingest.elapsed.Seconds(), s.ingest.cpu.Seconds(), s.settled.Seconds(), s.cpuSettled.Seconds(), mib(s.disk))
	}
	fmt.Fprintf(w, "\nServer CPU per query run (mean over the timed runs; /proc ticks are 10 ms, so short queries read coarse):\n\n| query | range | VictoriaLogs | Triage | Triage/VL |\n|---|---|---|---|---|\n")
	for _, q := range compareQueries() {
		for _, win := range c.rangesOf(q) {
			key := timingKey(q, win)
			a, b := vl.queryCPU[key]/time.Duration(c.cfg.queryRuns), tr.queryCPU[key]/time.Duration(c.cfg.queryRuns)
			ratio := "—"
			if a > 0 {
				ratio = fmt.Sprintf("%.2f", float64(b)/float64(a))
			}
			fmt.Fprintf(w, "| (%s) %s | %s | %s | %s | %s |\n", q.id, q.name, win.name, ms(a), ms(b), ratio)
		}
	}
	fmt.Fprintf(w, "\n| query | range | VictoriaLogs answer | Triage answer |\n|---|---|---|---|\n")
	for _, q := range compareQueries() {
		for _, win := range c.rangesOf(q) {
			key := timingKey(q, win)
			fmt.Fprintf(w, "| (%s) %s | %s | %s | %s |\n", q.id, q.name, win.name, vl.answers[key].summary(q.kind), tr.answers[key].summary(q.kind))
		}
	}
	if len(c.mismatches) == 0 {
		fmt.Fprintf(w, "\nBoth systems gave the same answer to every query (hits, bucket counts and percentiles compared exactly).\n\n")
		return
	}
	fmt.Fprintf(w, "\n**%d MISMATCHES** between the answers:\n\n", len(c.mismatches))
	for _, m := range c.mismatches {
		fmt.Fprintf(w, "- %s\n", m)
	}
	fmt.Fprintln(w)
}

// rows builds the table from the measurements.
func (c *comparison) rows() []row {
	vl, tr := c.systems[0], c.systems[1]
	per := func(f func(s *systemFigures) []figure) row {
		return row{vl: f(vl), tr: f(tr)}
	}
	one := func(name string, f func(s *systemFigures) figure) row {
		r := per(func(s *systemFigures) []figure { return []figure{f(s)} })
		r.name = name
		return r
	}
	out := []row{
		one("HTTP ingest, events/s (to searchable)", func(s *systemFigures) figure {
			v := float64(s.ingest.events) / s.ingest.elapsed.Seconds()
			return figure{v, thousands(v), s.ingest.load}
		}),
		one("events per server CPU-second", func(s *systemFigures) figure {
			v := float64(s.ingest.events) / s.ingest.cpu.Seconds()
			return figure{v, thousands(v), s.ingest.load}
		}),
		one("events per server CPU-second, merges settled", func(s *systemFigures) figure {
			v := float64(s.ingest.events) / s.cpuSettled.Seconds()
			return figure{v, thousands(v), s.ingest.load}
		}),
		one(fmt.Sprintf("client 429 retries at %d streams", c.cfg.streams), func(s *systemFigures) figure {
			return figure{float64(s.ingest.retries), fmt.Sprint(s.ingest.retries), s.ingest.load}
		}),
		one("peak RSS (VmHWM, ingest and merges)", func(s *systemFigures) figure {
			return figure{float64(s.peakRSS), mib(s.peakRSS), s.ingest.load}
		}),
		one("disk after merges settle", func(s *systemFigures) figure {
			v := float64(s.disk) / float64(s.ingest.events)
			return figure{v, fmt.Sprintf("%.1f B/event", v), s.ingest.load}
		}),
	}
	for _, q := range compareQueries() {
		ranges := c.rangesOf(q)
		names := make([]string, len(ranges))
		for i, w := range ranges {
			names[i] = w.name
		}
		r := per(func(s *systemFigures) []figure {
			var fs []figure
			for _, w := range ranges {
				m := s.idle[timingKey(q, w)].median()
				fs = append(fs, figure{float64(m), ms(m), c.queryLoad})
			}
			return fs
		})
		r.name = fmt.Sprintf("(%s) %s, median, %s", q.id, q.name, strings.Join(names, " / "))
		out = append(out, r)
	}
	if c.cfg.liveRate <= 0 {
		return out
	}
	out = append(out, one(fmt.Sprintf("live ingest achieved at %s/s asked (429 retries)", thousands(c.cfg.liveRate)), func(s *systemFigures) figure {
		return figure{s.liveRate, fmt.Sprintf("%s/s (%d)", thousands(s.liveRate), s.liveRetry), s.liveLoad}
	}))
	for _, q := range compareQueries() {
		if !q.live {
			continue
		}
		key := timingKey(q, c.day)
		r := per(func(s *systemFigures) []figure {
			idle, live := s.idle[key], s.live[key]
			p50 := float64(live.median()) / float64(idle.median())
			p99 := float64(live.p99()) / float64(idle.p99())
			return []figure{{p50, fmt.Sprintf("%.2f", p50), s.liveLoad}, {p99, fmt.Sprintf("%.2f", p99), s.liveLoad}}
		})
		r.name = fmt.Sprintf("(%s) p50 / p99 while ingesting ÷ idle, 24 h", q.id)
		out = append(out, r)
	}
	return out
}
