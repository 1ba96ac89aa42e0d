package main

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// answerKind says how a query's answer is read and compared.
type answerKind int

const (
	// newestHits: the newest 100 matching events, in order.
	newestHits answerKind = iota
	// bucketCounts: a count per bucket (per minute, per term).
	bucketCounts
	// bucketValues: a percentile per non-empty bucket.
	bucketValues
)

// compareQuery is one question asked of both systems, in each one's own
// language, with the same meaning: Triage's Quickwit query and
// Elasticsearch aggregation, VictoriaLogs' LogsQL.
type compareQuery struct {
	id, name string
	kind     answerKind
	// quickwit is the query text; aggs the aggregation JSON (none for hits).
	quickwit string
	aggs     string
	// logsql is the LogsQL query; for newestHits the /select/logsql/query
	// limit argument makes it "newest 100" (VictoriaLogs appends
	// `| sort by (_time desc) | limit 100`, app/vlselect/logsql/logsql.go).
	logsql string
	// hourToo times the query over the incident hour besides the day.
	hourToo bool
	// live marks the queries timed again while ingesting.
	live bool
	// termsField is the field a terms answer is keyed by.
	termsField string
}

// newestLimit is the page of the newest-hits queries.
const newestLimit = 100

// compareQueries are the queries (a)–(f). Field semantics match:
// severity is an exact keyword in Triage's default mapping (`:=` in
// LogsQL), service is tokenized text in Triage (its words are searchable)
// and a word filter in LogsQL, so `service:payment` means the same in both.
func compareQueries() []compareQuery {
	const perMinute = `{"per_minute":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"}`
	return []compareQuery{
		{id: "a", name: "rare token, newest 100", kind: newestHits, hourToo: true,
			quickwit: loadgen.IncidentException, logsql: loadgen.IncidentException},
		{id: "b", name: "`service:payment AND severity:error`, newest 100", kind: newestHits, hourToo: true,
			quickwit: "service:payment AND severity:error", logsql: "service:payment severity:=error"},
		{id: "c", name: "errors per minute", kind: bucketCounts, live: true,
			quickwit: "severity:error", aggs: perMinute + `}}`,
			logsql: "severity:=error | stats by (_time:1m) count() hits"},
		{id: "d", name: "p99 latency per minute of payment", kind: bucketValues,
			quickwit: "service:payment",
			aggs:     perMinute + `,"aggs":{"p99":{"percentiles":{"field":"latency_ms","percents":[99]}}}}}`,
			logsql:   "service:payment | stats by (_time:1m) quantile(0.99, latency_ms) p99"},
		{id: "e", name: "top 10 endpoints of errors", kind: bucketCounts, live: true, termsField: "endpoint",
			quickwit: "severity:error", aggs: `{"top":{"terms":{"field":"endpoint","size":10}}}`,
			logsql: "severity:=error | stats by (endpoint) count() hits | sort by (hits desc, endpoint) | limit 10"},
		{id: "f", name: "count by status", kind: bucketCounts, termsField: "status_code",
			quickwit: "*", aggs: `{"top":{"terms":{"field":"status_code","size":100}}}`,
			logsql: "* | stats by (status_code) count() hits"},
	}
}

// answer is a query's result in a form both systems' answers reduce to.
type answer struct {
	// hits identify the newest events, newest first, by time and trace id.
	hits []string
	// buckets maps a bucket key (Unix ms of a minute, or a term) to its
	// count or percentile; empty buckets are left out.
	buckets map[string]float64
}

func (a answer) summary(kind answerKind) string {
	switch kind {
	case newestHits:
		return fmt.Sprintf("%d hits", len(a.hits))
	case bucketCounts:
		var sum float64
		for _, v := range a.buckets {
			sum += v
		}
		return fmt.Sprintf("%d buckets, %s events", len(a.buckets), thousands(sum))
	}
	return fmt.Sprintf("%d buckets", len(a.buckets))
}

// empty reports an answer that found nothing, which would be timed as fast
// and prove nothing about equality.
func (a answer) empty() bool { return len(a.hits) == 0 && len(a.buckets) == 0 }

// differences lists how two systems' answers to q differ; none means the
// same answer. Percentiles are compared exactly: both sides promise the
// exact nearest-rank sample for buckets of up to 10,000 values.
func differences(q compareQuery, x, y answer, xName, yName string) []string {
	var out []string
	switch q.kind {
	case newestHits:
		if !slices.Equal(x.hits, y.hits) {
			n := 0
			for n < min(len(x.hits), len(y.hits)) && x.hits[n] == y.hits[n] {
				n++
			}
			out = append(out, fmt.Sprintf("%s has %d hits, %s %d; they agree on the first %d", xName, len(x.hits), yName, len(y.hits), n))
		}
	case bucketCounts:
		if q.termsField != "" && len(x.buckets) == len(y.buckets) && sameCounts(x.buckets, y.buckets) {
			// A top-N may pick different keys among equal counts at its cut.
			for k, v := range x.buckets {
				if w, ok := y.buckets[k]; ok && w != v {
					out = append(out, fmt.Sprintf("%s=%s: %s counts %v, %s %v", q.termsField, k, xName, v, yName, w))
				}
			}
			break
		}
		out = append(out, bucketDiffs(x.buckets, y.buckets, xName, yName, 0)...)
	case bucketValues:
		out = append(out, bucketDiffs(x.buckets, y.buckets, xName, yName, 1e-9)...)
	}
	return out
}

// sameCounts reports equal multisets of counts.
func sameCounts(x, y map[string]float64) bool {
	a, b := mapValues(x), mapValues(y)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func mapValues(m map[string]float64) []float64 {
	out := make([]float64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// bucketDiffs compares bucket by bucket (relative tolerance tol) and sums
// up the differences: how many buckets differ, and by how much.
func bucketDiffs(x, y map[string]float64, xName, yName string, tol float64) []string {
	keys := map[string]bool{}
	for k := range x {
		keys[k] = true
	}
	for k := range y {
		keys[k] = true
	}
	var onlyX, onlyY int
	var rel []float64
	worst := ""
	for k := range keys {
		a, okA := x[k]
		b, okB := y[k]
		switch {
		case !okB:
			onlyX++
		case !okA:
			onlyY++
		case math.Abs(a-b) > tol*math.Max(math.Abs(a), math.Abs(b)):
			r := math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
			if len(rel) == 0 || r > slices.Max(rel) {
				worst = fmt.Sprintf("bucket %s: %s %v, %s %v", k, xName, a, yName, b)
			}
			rel = append(rel, r)
		}
	}
	var out []string
	if onlyX+onlyY > 0 {
		out = append(out, fmt.Sprintf("%d buckets only in %s, %d only in %s (of %d)", onlyX, xName, onlyY, yName, len(keys)))
	}
	if len(rel) > 0 {
		sort.Float64s(rel)
		out = append(out, fmt.Sprintf("%d of %d buckets differ: median %.1f%%, max %.1f%% (%s)",
			len(rel), len(keys), 100*rel[len(rel)/2], 100*rel[len(rel)-1], worst))
	}
	return out
}

// hitKey identifies one event of a newest-hits answer.
func hitKey(unixNano int64, traceID string) string {
	return fmt.Sprintf("%d/%s", unixNano, traceID)
}
