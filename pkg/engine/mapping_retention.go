package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// retentionPeriod is how long events of an index are kept; zero keeps them forever.
type retentionPeriod = time.Duration

var retentionUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "months": 30 * 24 * time.Hour,
	"y": 365 * 24 * time.Hour, "year": 365 * 24 * time.Hour, "years": 365 * 24 * time.Hour,
}

// ParseRetentionPeriod reads Quickwit-style periods: "30 days", "12 hours",
// "1 week", "90min", "7d". A month is 30 days and a year 365 days.
func ParseRetentionPeriod(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%q: write a whole number and a unit, e.g. \"30 days\" or \"12 hours\"", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q: the number must be positive, e.g. \"30 days\"", s)
	}
	unit, ok := retentionUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit, use seconds, minutes, hours, days, weeks, months or years", s)
	}
	if n > int64(1<<62)/int64(unit) {
		return 0, fmt.Errorf("%q: period is too long", s)
	}
	return time.Duration(n) * unit, nil
}
