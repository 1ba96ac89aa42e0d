package query

import (
	"math"
	"time"
)

// Triage keeps times as int64 Unix nanoseconds, which hold 1677-09-21 to
// 2262-04-11. Multiplying seconds past that by 1e9 wraps around, so every
// epoch value a request carries goes through these helpers: a time beyond
// the range saturates to its end ("later than anything stored"), which
// keeps the request's meaning, where wrapping would invert it.
var (
	// MinTime and MaxTime are the earliest and latest instants Triage can hold.
	MinTime = time.Unix(0, math.MinInt64).UTC()
	MaxTime = time.Unix(0, math.MaxInt64).UTC()
)

const maxUnixSeconds = math.MaxInt64 / int64(time.Second)

// UnixNanos returns t in Unix nanoseconds, saturating at the ends of the
// range instead of wrapping as time.Time.UnixNano does.
func UnixNanos(t time.Time) int64 {
	switch {
	case t.Before(MinTime):
		return math.MinInt64
	case t.After(MaxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// UnixSeconds returns the instant sec seconds after the epoch, clamped to
// [MinTime, MaxTime].
func UnixSeconds(sec int64) time.Time {
	switch {
	case sec > maxUnixSeconds:
		return MaxTime
	case sec < -maxUnixSeconds:
		return MinTime
	}
	return time.Unix(sec, 0).UTC()
}

// UnixUnits returns the instant n units after the epoch (n may be a
// fraction: 1.5 seconds), clamped to [MinTime, MaxTime] as UnixSeconds is.
// Whole counts are converted exactly; float products are not. NaN is the
// caller's to refuse.
func UnixUnits(n float64, unit time.Duration) time.Time {
	if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
		whole, lim := int64(n), math.MaxInt64/int64(unit)
		switch {
		case whole > lim:
			return MaxTime
		case whole < -lim:
			return MinTime
		}
		return time.Unix(0, whole*int64(unit)).UTC()
	}
	switch ns := n * float64(unit); {
	case ns >= math.MaxInt64:
		return MaxTime
	case ns <= math.MinInt64:
		return MinTime
	default:
		return time.Unix(0, int64(ns)).UTC()
	}
}
