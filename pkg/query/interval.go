package query

import (
	"fmt"
	"strconv"
	"time"
)

// MaxBuckets caps how many time buckets an interval may cut the range into,
// so a fixed 1s interval over 30 days cannot make the engine allocate
// millions of buckets; ResolveInterval widens the interval instead.
const MaxBuckets = 50_000

// defaultMaxDataPoints is used when the request carries none (the HTTP API).
const defaultMaxDataPoints = 1000

// ParseInterval parses a Grafana-style duration: a whole number and one of
// the units ms, s, m, h, d, w, y (30s, 5m, 1d), as panels and the model write
// intervals. Go's time.ParseDuration lacks d, w and y.
func ParseInterval(s string) (time.Duration, error) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n == len(s) {
		return 0, fmt.Errorf("'%s' is not a duration like 30s, 5m or 1h", s)
	}
	v, err := strconv.ParseInt(s[:n], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("'%s' is out of range", s)
	}
	var unit time.Duration
	switch s[n:] {
	case "ms":
		unit = time.Millisecond
	case "s":
		unit = time.Second
	case "m":
		unit = time.Minute
	case "h":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	case "w":
		unit = 7 * 24 * time.Hour
	case "y":
		unit = 365 * 24 * time.Hour
	default:
		return 0, fmt.Errorf("'%s' has an unknown unit '%s' (use ms, s, m, h, d, w or y)", s, s[n:])
	}
	if v > int64(1<<63-1)/int64(unit) {
		return 0, fmt.Errorf("'%s' is out of range", s)
	}
	return time.Duration(v) * unit, nil
}

// ResolveInterval returns the width of the time buckets for q over
// [from, to]: the fixed interval, Grafana's requestInterval for
// "$__interval", or for "auto" (and for "$__interval" when Grafana sent
// none) the range divided by maxDataPoints rounded to a nice step as Grafana
// rounds it (…, 10s, 15s, 20s, 30s, 1m, 2m, 5m, …). The result is never
// below 1ms and never cuts the range into more than MaxBuckets buckets.
func ResolveInterval(q Query, maxDataPoints int, from, to time.Time, requestInterval time.Duration) time.Duration {
	span := to.Sub(from)
	var d time.Duration
	switch q.Interval {
	case "", IntervalAuto:
	case IntervalGrafana:
		d = requestInterval
	default:
		d, _ = ParseInterval(q.Interval)
	}
	if d <= 0 {
		if maxDataPoints <= 0 {
			maxDataPoints = defaultMaxDataPoints
		}
		d = roundInterval(span / time.Duration(maxDataPoints))
	}
	if span > 0 && span/d > MaxBuckets {
		d = ceilInterval(span / MaxBuckets)
	}
	return max(d, time.Millisecond)
}

// niceSteps are Grafana's interval steps with the upper edge of the raw
// interval that rounds to each (gtime's roundInterval).
var niceSteps = []struct{ upTo, step time.Duration }{
	{10 * time.Millisecond, time.Millisecond},
	{15 * time.Millisecond, 10 * time.Millisecond},
	{35 * time.Millisecond, 20 * time.Millisecond},
	{75 * time.Millisecond, 50 * time.Millisecond},
	{150 * time.Millisecond, 100 * time.Millisecond},
	{350 * time.Millisecond, 200 * time.Millisecond},
	{750 * time.Millisecond, 500 * time.Millisecond},
	{1500 * time.Millisecond, time.Second},
	{3500 * time.Millisecond, 2 * time.Second},
	{7500 * time.Millisecond, 5 * time.Second},
	{12500 * time.Millisecond, 10 * time.Second},
	{17500 * time.Millisecond, 15 * time.Second},
	{25 * time.Second, 20 * time.Second},
	{45 * time.Second, 30 * time.Second},
	{90 * time.Second, time.Minute},
	{210 * time.Second, 2 * time.Minute},
	{450 * time.Second, 5 * time.Minute},
	{750 * time.Second, 10 * time.Minute},
	{1050 * time.Second, 15 * time.Minute},
	{1500 * time.Second, 20 * time.Minute},
	{2700 * time.Second, 30 * time.Minute},
	{5400 * time.Second, time.Hour},
	{9000 * time.Second, 2 * time.Hour},
	{16200 * time.Second, 3 * time.Hour},
	{32400 * time.Second, 6 * time.Hour},
	{86400 * time.Second, 12 * time.Hour},
	{604800 * time.Second, 24 * time.Hour},
	{1814400 * time.Second, 7 * 24 * time.Hour},
	{3628800 * time.Second, 30 * 24 * time.Hour},
}

// roundInterval rounds a raw interval to the nearest nice step, as Grafana does.
func roundInterval(d time.Duration) time.Duration {
	for _, s := range niceSteps {
		if d <= s.upTo {
			return s.step
		}
	}
	return 365 * 24 * time.Hour
}

// ceilInterval returns the smallest nice step not below d.
func ceilInterval(d time.Duration) time.Duration {
	for _, s := range niceSteps {
		if s.step >= d {
			return s.step
		}
	}
	year := 365 * 24 * time.Hour
	return (d + year - 1) / year * year
}
