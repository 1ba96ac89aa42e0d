package main

import (
	"fmt"
	"io"
	"time"
)

// Targets from the issues, for 10M events; floors are the least a release
// may ship with.
const (
	targetIngestRate    = 210_000
	floorIngestRate     = 50_000
	targetBytesPerEv    = 58
	floorBytesPerEv     = 200
	targetRSSMiB        = 450
	floorQueryLatency   = 500 * time.Millisecond
	targetLiveP99Ratio  = 2
	targetHTTPShortfall = 0.15
)

func printQueries(w io.Writer, qr queryResult) {
	fmt.Fprintf(w, "The reopened store went quiet (background merges done) after %.1f s; queries were timed from then on.\n\n", qr.settled.Seconds())
	fmt.Fprintf(w, "| query | range | answer | median | p99 idle | p99 under ingest | target (median, 10M) |\n|---|---|---|---|---|---|---|\n")
	for _, t := range qr.timings {
		live := "—"
		if t.live != nil {
			live = ms(t.live.p99())
		}
		fmt.Fprintf(w, "| (%s) %s | %s | %s | %s | %s | %s | ≤ %s |\n", t.q.id, t.q.name, t.w.name, t.answer,
			ms(t.idle.median()), ms(t.idle.p99()), live, ms(t.q.target))
	}
	if qr.live.target > 0 {
		fmt.Fprintf(w, "\nUnder ingest: %s events/s achieved of %s asked (%d events in %.1f s, %d overloaded retries), new events stamped with the current time.\n",
			thousands(qr.live.rate()), thousands(qr.live.target), qr.live.events, qr.live.elapsed.Seconds(), qr.live.overload)
	}
	fmt.Fprintln(w)
}

func (r httpResult) print(w io.Writer) {
	fmt.Fprintf(w, "| ingest path (%d events, %d clients × 1,000-event batches) | events/s | vs engine API |\n|---|---|---|\n", r.events, r.clients)
	fmt.Fprintf(w, "| engine API | %s | — |\n", thousands(r.engine))
	fmt.Fprintf(w, "| HTTP NDJSON, plain (%.0f B/event on the wire) | %s | %+.1f%% |\n", float64(r.plainBytes)/float64(r.events), thousands(r.plain), 100*(r.plain/r.engine-1))
	fmt.Fprintf(w, "| HTTP NDJSON, gzip (%.0f B/event on the wire) | %s | %+.1f%% |\n", float64(r.gzipBytes)/float64(r.events), thousands(r.gz), 100*(r.gz/r.engine-1))
	fmt.Fprintf(w, "\nOverloaded answers retried: %d.\n\n", r.retries)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func printIngestTargets(w io.Writer, rate, bpe, rss float64) {
	fmt.Fprintf(w, "| ingest, engine API | %s events/s | ≥ %s | ≥ %s | %s |\n", thousands(rate), thousands(targetIngestRate), thousands(floorIngestRate), verdict(rate >= targetIngestRate))
	fmt.Fprintf(w, "| on disk | %.1f B/event | ≤ %d | ≤ %d | %s |\n", bpe, targetBytesPerEv, floorBytesPerEv, verdict(bpe <= targetBytesPerEv))
	fmt.Fprintf(w, "| peak RSS | %.0f MiB | ≤ %d MiB | — | %s |\n", rss, targetRSSMiB, verdict(rss <= targetRSSMiB))
}

// printTargets puts every figure next to its target and floor.
func printTargets(w io.Writer, ir ingestResult, qr queryResult, hr *httpResult) {
	rate := float64(ir.events) / ir.elapsed.Seconds()
	bpe := float64(ir.diskBytes) / float64(ir.events)
	rss := float64(ir.peakRSS) / (1 << 20)
	fmt.Fprintf(w, "| figure (%d events) | measured | target | floor | verdict |\n|---|---|---|---|---|\n", ir.events)
	if ir.elapsed > 0 {
		printIngestTargets(w, rate, bpe, rss)
	}
	for _, t := range qr.timings {
		m := t.idle.median()
		fmt.Fprintf(w, "| (%s) median, %s | %s | ≤ %s | ≤ %s | %s |\n", t.q.id, t.w.name, ms(m), ms(t.q.target), ms(floorQueryLatency), verdict(m <= t.q.target))
	}
	for _, t := range qr.timings {
		if t.live == nil {
			continue
		}
		ratio := float64(t.live.p99()) / float64(t.idle.p99())
		fmt.Fprintf(w, "| (%s) p99 under ingest / idle, %s | %.2f× | ≤ %d× | — | %s |\n", t.q.id, t.w.name, ratio, targetLiveP99Ratio, verdict(ratio <= targetLiveP99Ratio))
	}
	if hr != nil {
		for _, m := range []struct {
			name string
			rate float64
		}{{"plain", hr.plain}, {"gzip", hr.gz}} {
			short := 1 - m.rate/hr.engine
			fmt.Fprintf(w, "| HTTP ingest (%s) vs engine API | %+.1f%% | within %.0f%% | — | %s |\n", m.name, -100*short, 100*targetHTTPShortfall, verdict(short <= targetHTTPShortfall))
		}
	}
	fmt.Fprintln(w)
}

// thousands formats a rate rounded to a whole number with comma separators.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
