package server

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// aggSpec is one aggregation in Elasticsearch's request syntax, as both
// the Quickwit search API and the _elastic API take it: the engine's part
// (Agg) and what the server does around it (bucket filtering, ordering,
// key formats, range buckets, which the engine has no notion of).
type aggSpec struct {
	name string
	kind string
	eng  engine.Agg
	subs []*aggSpec

	minDocCount int
	// extBounds are a date histogram's extended_bounds in Unix ms.
	extBounds *[2]int64
	// format is a date histogram's key_as_string format.
	format string
	// order is a terms aggregation's order other than Triage's native ones
	// (by count descending, by key ascending), applied by the server.
	order *termsOrder
	size  int
	// ranges are a range aggregation's buckets.
	ranges []aggRange
	// rangeField is a range aggregation's field: the server runs one
	// filtered engine aggregation per range.
	rangeField string
	keyed      bool
}

type termsOrder struct {
	by   string // "_count", "_key" or a sub-aggregation path
	desc bool
}

type aggRange struct {
	key      string
	from, to *float64
}

// maxReorderedTerms is how many terms are fetched when the server, not the
// engine, orders the buckets (by key descending, count ascending or a
// sub-aggregation), so the top ones are exact.
const maxReorderedTerms = 10_000

var supportedAggs = "date_histogram, terms, histogram, range, percentiles, cardinality, stats, avg, sum, min, max and value_count"

// parseElasticAggs reads the "aggs" object of a request, sorted by name so
// results are deterministic.
func parseElasticAggs(raw map[string]json.RawMessage) ([]*aggSpec, error) {
	return parseAggsAt(raw, "aggs", 0)
}

func parseAggsAt(raw map[string]json.RawMessage, where string, depth int) ([]*aggSpec, error) {
	if depth > 16 {
		return nil, badRequest("[%s] nests aggregations more than 16 levels deep", where)
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*aggSpec, 0, len(names))
	for _, name := range names {
		a, err := parseAgg(name, raw[name], where+"."+name, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func parseAgg(name string, raw json.RawMessage, where string, depth int) (*aggSpec, error) {
	o, err := objectAt(raw, where)
	if err != nil {
		return nil, err
	}
	var subsRaw map[string]json.RawMessage
	for _, key := range []string{"aggs", "aggregations"} {
		if err := o.take(key, &subsRaw); err != nil {
			return nil, err
		}
	}
	o.ignore("meta")
	kind, body, err := o.single()
	if err != nil {
		return nil, badRequest("aggregation [%s] must name one aggregation type (%s): %v", name, supportedAggs, err)
	}
	a := &aggSpec{name: name, kind: kind, eng: engine.Agg{Name: name}, keyed: true}
	b, err := objectAt(body, where+"."+kind)
	if err != nil {
		return nil, err
	}
	field := ""
	if err := b.take("field", &field); err != nil {
		return nil, err
	}
	switch kind {
	case "date_histogram":
		err = a.parseDateHistogram(b)
	case "terms":
		err = a.parseTerms(b, field)
	case "histogram":
		err = a.parseHistogram(b, field)
	case "range":
		err = a.parseRange(b, field)
	case "percentiles":
		err = a.parsePercentiles(b, field)
	case "avg", "sum", "min", "max", "stats", "cardinality", "value_count":
		a.eng.Metric = &engine.MetricAgg{Kind: metricKinds[kind], Field: field}
		b.ignore("script") // Grafana sends an empty inline script
	default:
		return nil, badRequest("aggregation [%s]: [%s] is not supported; use %s", name, kind, supportedAggs)
	}
	if err != nil {
		return nil, err
	}
	if err := b.done(); err != nil {
		return nil, err
	}
	if (a.eng.Metric != nil || a.kind == "range") && field == "" && kind != "value_count" {
		return nil, badRequest("aggregation [%s]: %s needs a field", name, kind)
	}
	if len(subsRaw) > 0 {
		if a.eng.Metric != nil {
			return nil, badRequest("aggregation [%s]: a %s aggregation cannot hold sub-aggregations", name, kind)
		}
		if a.subs, err = parseAggsAt(subsRaw, where+".aggs", depth+1); err != nil {
			return nil, err
		}
		for _, s := range a.subs {
			if s.kind != "range" {
				continue
			}
			if ok, why := nestRange(s); !ok {
				return nil, badRequest("aggregation [%s]: a range inside [%s] is supported only %s", s.name, name, why)
			}
		}
	}
	return a, nil
}

var metricKinds = map[string]engine.MetricKind{
	"avg": engine.MetricAvg, "sum": engine.MetricSum, "min": engine.MetricMin, "max": engine.MetricMax,
	"stats": engine.MetricStats, "cardinality": engine.MetricCardinality, "value_count": engine.MetricCount,
	"percentiles": engine.MetricPercentiles,
}

func (a *aggSpec) parseDateHistogram(b *jsonObject) error {
	var fixed, legacy, offset, tz, calendar string
	for key, dst := range map[string]*string{"fixed_interval": &fixed, "interval": &legacy, "offset": &offset,
		"time_zone": &tz, "format": &a.format, "calendar_interval": &calendar} {
		if err := b.take(key, dst); err != nil {
			return err
		}
	}
	where := b.where
	if calendar != "" {
		return badRequest("[%s.calendar_interval] is not supported (Quickwit has fixed intervals only); use fixed_interval, e.g. 1d", where)
	}
	text := fixed
	if text == "" {
		text = legacy
	}
	d, err := fixedInterval(text)
	if err != nil {
		return badRequest("[%s] interval: %v", where, err)
	}
	if offset != "" && offset != "0" && offset != "+0" && offset != "0ms" {
		return badRequest("[%s.offset] %q is not supported; buckets start on multiples of the interval since the Unix epoch", where, offset)
	}
	if !isUTC(tz) {
		return badRequest("[%s.time_zone] %q is not supported; buckets are in UTC", where, tz)
	}
	if err := a.takeMinDocCount(b, 0); err != nil {
		return err
	}
	if b.has("extended_bounds") {
		eb, err := objectAt(b.raw("extended_bounds"), where+".extended_bounds")
		if err != nil {
			return err
		}
		var bounds [2]int64
		for i, key := range []string{"min", "max"} {
			f, err := flexFloat(eb.raw(key), eb.where+"."+key)
			if err != nil {
				return err
			}
			// Held in range (see query.UnixUnits): int64(f) of a huge f is
			// undefined, and the engine's range cannot reach past it anyway.
			bounds[i] = query.UnixUnits(f, time.Millisecond).UnixMilli()
		}
		if err := eb.done(); err != nil {
			return err
		}
		a.extBounds = &bounds
	}
	b.ignore("keyed_false_only")
	a.eng.DateHistogram = &engine.DateHistogramAgg{Interval: d}
	return nil
}

// fixedInterval parses Elasticsearch's fixed_interval: a whole number and
// ms, s, m, h or d. Calendar units (w, M, q, y) have no fixed length.
func fixedInterval(s string) (time.Duration, error) {
	if s == "" {
		return 0, badRequest("fixed_interval is required, e.g. 30s, 5m, 1h or 1d")
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	v, err := strconv.ParseInt(s[:n], 10, 64)
	if n == 0 || err != nil || v <= 0 {
		return 0, badRequest("%q is not an interval like 30s, 5m, 1h or 1d", s)
	}
	units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	unit, ok := units[s[n:]]
	if !ok {
		return 0, badRequest("%q: unit %q is not a fixed length; use ms, s, m, h or d (calendar intervals are not supported)", s, s[n:])
	}
	if v > int64(math.MaxInt64)/int64(unit) {
		return 0, badRequest("%q is out of range", s)
	}
	return time.Duration(v) * unit, nil
}

func (a *aggSpec) takeMinDocCount(b *jsonObject, def int) error {
	a.minDocCount = def
	if !b.has("min_doc_count") {
		delete(b.keys, "min_doc_count")
		return nil
	}
	n, err := flexInt(b.raw("min_doc_count"), b.where+".min_doc_count")
	if err != nil {
		return err
	}
	if n < 0 {
		return badRequest("[%s.min_doc_count] must be 0 or more, got %d", b.where, n)
	}
	a.minDocCount = n
	return nil
}

func (a *aggSpec) parseTerms(b *jsonObject, field string) error {
	if field == "" {
		return badRequest("[%s] needs a field", b.where)
	}
	a.size = 10
	if b.has("size") {
		n, err := flexInt(b.raw("size"), b.where+".size")
		if err != nil {
			return err
		}
		if n < 1 || n > engine.DefaultMaxBuckets {
			return badRequest("[%s.size] must be between 1 and %d, got %d", b.where, engine.DefaultMaxBuckets, n)
		}
		a.size = n
	}
	if err := a.takeMinDocCount(b, 1); err != nil {
		return err
	}
	b.ignore("shard_size", "show_term_doc_count_error")
	terms := &engine.TermsAgg{Field: field, Size: a.size}
	if b.has("order") {
		var orders []map[string]string
		for i, r := range oneOrMany(b.raw("order")) {
			var m map[string]string
			if err := json.Unmarshal(r, &m); err != nil || len(m) != 1 {
				return badRequest("[%s.order][%d] must be like {\"_count\":\"desc\"}", b.where, i)
			}
			orders = append(orders, m)
		}
		if len(orders) > 0 {
			for by, dir := range orders[0] {
				if by == "_term" {
					by = "_key"
				}
				switch strings.ToLower(dir) {
				case "asc", "desc":
				default:
					return badRequest("[%s.order] direction %q: use asc or desc", b.where, dir)
				}
				o := termsOrder{by: by, desc: strings.EqualFold(dir, "desc")}
				switch {
				case o.by == "_count" && o.desc:
				case o.by == "_key" && !o.desc:
					terms.OrderByKey = true
				default:
					a.order = &o
					terms.Size = maxReorderedTerms
				}
			}
		}
	}
	a.eng.Terms = terms
	return nil
}

func (a *aggSpec) parseHistogram(b *jsonObject, field string) error {
	if field == "" {
		return badRequest("[%s] needs a field", b.where)
	}
	interval, err := flexFloat(b.raw("interval"), b.where+".interval")
	if err != nil {
		return err
	}
	if interval <= 0 {
		return badRequest("[%s.interval] must be positive, got %v", b.where, interval)
	}
	if err := a.takeMinDocCount(b, 0); err != nil {
		return err
	}
	a.eng.Histogram = &engine.HistogramAgg{Field: field, Interval: interval}
	return nil
}

func (a *aggSpec) parseRange(b *jsonObject, field string) error {
	a.keyed = false // Elasticsearch's default for range, unlike percentiles
	if err := b.take("keyed", &a.keyed); err != nil {
		return err
	}
	var ranges []map[string]json.RawMessage
	if err := b.take("ranges", &ranges); err != nil {
		return err
	}
	if len(ranges) == 0 || len(ranges) > 100 {
		return badRequest("[%s.ranges] must hold 1 to 100 ranges", b.where)
	}
	for i, r := range ranges {
		where := b.where + ".ranges[" + strconv.Itoa(i) + "]"
		ro := &jsonObject{where: where, keys: r}
		var ar aggRange
		for _, end := range []struct {
			key string
			dst **float64
		}{{"from", &ar.from}, {"to", &ar.to}} {
			if !ro.has(end.key) {
				delete(ro.keys, end.key)
				continue
			}
			f, err := flexFloat(ro.raw(end.key), where+"."+end.key)
			if err != nil {
				return err
			}
			*end.dst = &f
		}
		if err := ro.take("key", &ar.key); err != nil {
			return err
		}
		if err := ro.done(); err != nil {
			return err
		}
		if ar.key == "" {
			ar.key = rangeKey(ar.from, ar.to)
		}
		a.ranges = append(a.ranges, ar)
	}
	a.rangeField = field
	return nil
}

// rangeKey is Elasticsearch's key of an unnamed range: "from-to" with "*"
// for an open end.
func rangeKey(from, to *float64) string {
	f, t := "*", "*"
	if from != nil {
		f = esDouble(*from)
	}
	if to != nil {
		t = esDouble(*to)
	}
	return f + "-" + t
}

// esDouble renders a number as Java's Double.toString does for ordinary
// magnitudes ("50.0", "99.9"), which Elasticsearch uses for keys.
func esDouble(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

func (a *aggSpec) parsePercentiles(b *jsonObject, field string) error {
	if err := b.take("keyed", &a.keyed); err != nil {
		return err
	}
	m := &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: field}
	for i, r := range oneOrMany(b.raw("percents")) {
		p, err := flexFloat(r, b.where+".percents["+strconv.Itoa(i)+"]")
		if err != nil {
			return err
		}
		if p < 0 || p > 100 {
			return badRequest("[%s.percents] %v is not between 0 and 100", b.where, p)
		}
		m.Percents = append(m.Percents, p)
	}
	b.ignore("script")
	a.eng.Metric = m
	return nil
}

// engineAggs returns the engine's part of specs (range aggregations, run
// by the server, are left out).
func engineAggs(specs []*aggSpec) []engine.Agg {
	out := make([]engine.Agg, 0, len(specs))
	for _, s := range specs {
		if s.kind == "range" && !nestedRange(s) {
			continue
		}
		a := s.eng
		a.Subs = engineAggs(s.subs)
		out = append(out, a)
	}
	return out
}

// hasDateHistogram reports whether any spec (at any depth) is a date histogram.
func hasDateHistogram(specs []*aggSpec) bool {
	for _, s := range specs {
		if s.eng.DateHistogram != nil || hasDateHistogram(s.subs) {
			return true
		}
	}
	return false
}
