// Package loadgen generates deterministic incident logs: a day of JSON
// events from ~20 services with a 20-minute incident in the middle, for
// benchmarks, tests and demos, and streams them to an ingest endpoint.
package loadgen

import (
	"math"
	"strconv"
	"time"
)

// UserCount is the number of distinct user ids drawn from.
const UserCount = 1_000_000

// Generator produces one event after another; it is not safe for
// concurrent use (give each goroutine its own, with its own seed).
type Generator struct {
	cfg             Config
	rng             rng
	seq             uint64
	stepNs          int64
	startNs         int64
	lastNs          int64
	incidentStart   int64
	incidentEnd     int64
	incidentService int
	traceSalt       uint64

	// Timestamp formatting cache: the text up to the seconds changes once
	// per second, so it is formatted once per second.
	cachedSec    int64
	cachedPrefix []byte

	rec record
	msg []byte
}

// record is one event before rendering; fields are indexes into the
// vocabulary so generation allocates nothing.
type record struct {
	ts         int64
	service    int
	host       int
	severity   int
	status     int
	endpoint   int
	latency    float64
	traceHi    uint64
	traceLo    uint64
	user       int
	orderID    uint64
	inIncident bool
}

// Event is one generated log event as Go values, for callers that want
// fields rather than JSON.
type Event struct {
	Timestamp  time.Time
	Service    string
	Host       string
	Severity   string
	StatusCode int
	Endpoint   string
	LatencyMs  float64
	TraceID    string
	UserID     string
	Message    string
}

// Validate reports whether cfg can build a Generator, with a message that
// names the setting to change.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// New returns a generator for cfg. It panics if cfg is invalid; call
// cfg.Validate first when cfg comes from users.
func New(cfg Config) *Generator {
	cfg, err := cfg.withDefaults()
	if err != nil {
		panic(err)
	}
	g := &Generator{
		cfg:             cfg,
		rng:             newRNG(cfg.Seed),
		stepNs:          int64(cfg.Span) / int64(cfg.Count),
		startNs:         cfg.Start.UnixNano(),
		incidentStart:   cfg.Incident.Start.UnixNano(),
		incidentEnd:     cfg.Incident.End().UnixNano(),
		incidentService: serviceIndex(cfg.Incident.Service),
		traceSalt:       mix64(cfg.Seed + 0x5851f42d4c957f2d),
		cachedSec:       math.MinInt64,
		cachedPrefix:    make([]byte, 0, 32),
		msg:             make([]byte, 0, 256),
	}
	g.lastNs = g.startNs - 1
	return g
}

// Config returns the configuration in use, with defaults filled in, so
// callers can find the incident window.
func (g *Generator) Config() Config { return g.cfg }

// AppendNext appends the next event as one JSON object (no newline) to dst.
// It allocates nothing once dst has room.
func (g *Generator) AppendNext(dst []byte) []byte {
	g.next()
	r := &g.rec
	dst = append(dst, `{"timestamp":"`...)
	dst = g.appendTimestamp(dst, r.ts)
	dst = append(dst, `","service":"`...)
	dst = append(dst, services[r.service]...)
	dst = append(dst, `","host":"`...)
	dst = append(dst, hosts[r.host]...)
	dst = append(dst, `","severity":"`...)
	dst = append(dst, severities[r.severity]...)
	dst = append(dst, `","status_code":`...)
	dst = strconv.AppendInt(dst, int64(r.status), 10)
	dst = append(dst, `,"endpoint":"`...)
	dst = append(dst, endpoints[r.endpoint].path...)
	dst = append(dst, `","latency_ms":`...)
	dst = strconv.AppendFloat(dst, r.latency, 'f', 2, 64)
	dst = append(dst, `,"trace_id":"`...)
	dst = appendTraceID(dst, r.traceHi, r.traceLo)
	dst = append(dst, `","user_id":"`...)
	dst = appendUser(dst, r.user)
	dst = append(dst, `","message":"`...)
	dst = append(dst, g.msg...)
	return append(dst, `"}`...)
}

// Next returns the next event as Go values.
func (g *Generator) Next() Event {
	g.next()
	r := &g.rec
	return Event{
		Timestamp:  time.Unix(0, r.ts).UTC(),
		Service:    services[r.service],
		Host:       hosts[r.host],
		Severity:   severities[r.severity],
		StatusCode: r.status,
		Endpoint:   endpoints[r.endpoint].path,
		LatencyMs:  r.latency,
		TraceID:    string(appendTraceID(nil, r.traceHi, r.traceLo)),
		UserID:     string(appendUser(nil, r.user)),
		Message:    string(g.msg),
	}
}

func (g *Generator) next() {
	r := &g.rec
	if g.cfg.Clock != nil {
		r.ts = max(g.cfg.Clock().UnixNano(), g.lastNs+1)
	} else {
		r.ts = g.startNs + int64(g.seq)*g.stepNs + int64(g.rng.intn(int(g.stepNs)))
	}
	g.lastNs = r.ts
	r.inIncident = r.ts >= g.incidentStart && r.ts < g.incidentEnd

	r.service = g.rng.intn(len(services))
	hot := r.inIncident && r.service == g.incidentService
	eps := endpointsByService[r.service]
	r.endpoint = eps[g.rng.intn(len(eps))]
	r.host = (r.service*hostsPerService + g.rng.intn(hostsPerService)) % hostCount
	r.severity = g.severity(r.inIncident, hot)
	r.status = g.status(r.severity, hot)
	r.latency = g.latency(r.service, r.status, hot)
	r.traceHi = g.rng.uint64()
	r.traceLo = mix64(g.seq ^ g.traceSalt)
	r.user = g.rng.intn(UserCount)
	r.orderID = 100000 + uint64(g.rng.intn(900000))
	g.msg = g.appendMessage(g.msg[:0], r)
	g.seq++
}

// severity draws a level; the incident service logs far more errors in the
// window and every other service a few more (callers retrying it).
func (g *Generator) severity(inIncident, hot bool) int {
	errP, warnP, debugP := 0.02, 0.06, 0.10
	switch {
	case hot:
		errP, warnP, debugP = 0.35, 0.20, 0.05
	case inIncident:
		errP, warnP = 0.03, 0.08
	}
	u := g.rng.float64()
	switch {
	case u < errP:
		return sevError
	case u < errP+warnP:
		return sevWarn
	case u < errP+warnP+debugP:
		return sevDebug
	}
	return sevInfo
}

// status draws an HTTP status consistent with the severity: errors are
// 5xx (mostly 504 gateway timeouts during the incident), warnings 4xx.
func (g *Generator) status(sev int, hot bool) int {
	u := g.rng.float64()
	switch sev {
	case sevError:
		if hot {
			return pick(u, []float64{0.5, 0.75, 0.95}, []int{504, 503, 500, 502})
		}
		return pick(u, []float64{0.5, 0.7, 0.9}, []int{500, 502, 503, 504})
	case sevWarn:
		return pick(u, []float64{0.25, 0.35, 0.40, 0.70, 0.80, 0.90}, []int{400, 401, 403, 404, 409, 429, 200})
	}
	return pick(u, []float64{0.93, 0.97}, []int{200, 201, 204})
}

// pick returns values[i] for the first cumulative bound above u, or the
// last value.
func pick(u float64, bounds []float64, values []int) int {
	for i, b := range bounds {
		if u < b {
			return values[i]
		}
	}
	return values[len(values)-1]
}

// latency draws a log-normal request latency in milliseconds; gateway
// timeouts sit at the 30 s client deadline.
func (g *Generator) latency(service, status int, hot bool) float64 {
	if status == 504 {
		return 30000 + g.rng.float64()*1500
	}
	median, sigma := float64(15+service*7%60), 0.7
	if hot {
		median, sigma = 900, 0.9
	}
	return median * math.Exp(sigma*g.rng.normal())
}

// appendTimestamp writes RFC 3339 with all nine fraction digits, UTC.
func (g *Generator) appendTimestamp(dst []byte, ns int64) []byte {
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	if sec != g.cachedSec {
		g.cachedSec = sec
		g.cachedPrefix = time.Unix(sec, 0).UTC().AppendFormat(g.cachedPrefix[:0], "2006-01-02T15:04:05")
	}
	dst = append(dst, g.cachedPrefix...)
	dst = append(dst, '.')
	dst = appendPadded(dst, uint64(frac), 9)
	return append(dst, 'Z')
}

const hexDigits = "0123456789abcdef"

func appendTraceID(dst []byte, hi, lo uint64) []byte {
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[hi>>uint(shift)&0xf])
	}
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[lo>>uint(shift)&0xf])
	}
	return dst
}
