package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDateMath evaluates Elasticsearch-style date math where a datetime is
// expected: an anchor (`now`, or an RFC 3339 datetime or a date followed by
// `||` when math follows) then any number of `+N<unit>`, `-N<unit>` and
// `/<unit>` (round down to the unit). Units: y M w d h H m s (H = h).
// roundUp makes rounding go to the last nanosecond of the unit instead, as
// Elasticsearch does for `lte`/`gt` bounds, so `timestamp:<=now/d` keeps the
// whole day. Calendar units (y M w d) follow the anchor's time zone.
func ParseDateMath(s string, now time.Time, roundUp bool) (time.Time, error) {
	anchor, ops, err := splitAnchor(s, now)
	if err != nil {
		return time.Time{}, err
	}
	t := anchor
	for i := 0; i < len(ops); {
		op := ops[i]
		i++
		switch op {
		case '/':
			if i >= len(ops) {
				return time.Time{}, dateMathError(s, "'/' needs a unit to round to, as in now/d")
			}
			unit := ops[i]
			i++
			t, err = roundTime(t, unit, roundUp)
			if err != nil {
				return time.Time{}, dateMathError(s, err.Error())
			}
		case '+', '-':
			j := i
			for j < len(ops) && ops[j] >= '0' && ops[j] <= '9' {
				j++
			}
			if j == i {
				return time.Time{}, dateMathError(s, "'"+string(op)+"' needs a number and a unit, as in now-15m")
			}
			n, convErr := strconv.Atoi(ops[i:j])
			if convErr != nil || n > 1_000_000 {
				return time.Time{}, dateMathError(s, "the amount "+ops[i:j]+" is too large")
			}
			if op == '-' {
				n = -n
			}
			if j >= len(ops) {
				return time.Time{}, dateMathError(s, "'"+ops[i-1:j]+"' needs a unit (y, M, w, d, h, m or s)")
			}
			t, err = addUnits(t, n, ops[j])
			if err != nil {
				return time.Time{}, dateMathError(s, err.Error())
			}
			i = j + 1
		default:
			return time.Time{}, dateMathError(s, "expected '+', '-' or '/' at '"+ops[i-1:]+"'")
		}
	}
	if t.Before(FirstDate) || t.After(LastDate) {
		return time.Time{}, dateMathError(s, "it falls outside the supported years 1678 to 2261")
	}
	return t, nil
}

// FirstDate and LastDate bound the datetimes a query may name: the whole
// years inside what int64 nanoseconds hold, which are also the years the
// engine stores.
var (
	FirstDate = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	LastDate  = time.Date(2261, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
)

// ClampDate holds t within [FirstDate, LastDate]. Nothing is stored past
// either end, so a bound clamped there keeps its meaning: "later (or
// earlier) than anything stored".
func ClampDate(t time.Time) time.Time {
	switch {
	case t.Before(FirstDate):
		return FirstDate
	case t.After(LastDate):
		return LastDate
	}
	return t
}

func dateMathError(s, why string) error {
	return fmt.Errorf("'%s' is not a valid datetime or date math: %s", s, why)
}

// splitAnchor returns the anchor time and the math that follows it.
func splitAnchor(s string, now time.Time) (time.Time, string, error) {
	if strings.HasPrefix(s, "now") {
		return now, s[3:], nil
	}
	text, ops, hasMath := strings.Cut(s, "||")
	// Epoch milliseconds, as Elasticsearch's default date format accepts:
	// Grafana's $__from and $__to expand to them.
	if ms, err := strconv.ParseInt(text, 10, 64); err == nil && len(text) <= 16 && ms >= 0 {
		return time.UnixMilli(ms).UTC(), ops, nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, text); err == nil {
			return t, ops, nil
		}
	}
	if hasMath {
		return time.Time{}, "", dateMathError(s, "'"+text+"' before '||' is not an RFC 3339 datetime")
	}
	return time.Time{}, "", dateMathError(s, "use RFC 3339 (2026-01-15T14:00:00Z), epoch milliseconds or date math (now-15m, now-1d/d)")
}

func addUnits(t time.Time, n int, unit byte) (time.Time, error) {
	switch unit {
	case 'y':
		return t.AddDate(n, 0, 0), nil
	case 'M':
		return t.AddDate(0, n, 0), nil
	case 'w':
		return t.AddDate(0, 0, 7*n), nil
	case 'd':
		return t.AddDate(0, 0, n), nil
	}
	d, err := clockUnit(unit)
	if err != nil {
		return time.Time{}, err
	}
	if n > 0 && time.Duration(n) > math.MaxInt64/d || n < 0 && time.Duration(-n) > math.MaxInt64/d {
		return time.Time{}, fmt.Errorf("the amount %d%c is too large", n, unit)
	}
	return t.Add(time.Duration(n) * d), nil
}

func clockUnit(unit byte) (time.Duration, error) {
	switch unit {
	case 'h', 'H':
		return time.Hour, nil
	case 'm':
		return time.Minute, nil
	case 's':
		return time.Second, nil
	}
	return 0, fmt.Errorf("unknown unit '%c' (use y, M, w, d, h, m or s)", unit)
}

// roundTime rounds t down to the start of unit, or with up to its last nanosecond.
func roundTime(t time.Time, unit byte, up bool) (time.Time, error) {
	loc := t.Location()
	y, mo, d := t.Date()
	var start, next time.Time
	switch unit {
	case 'y':
		start = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		next = start.AddDate(1, 0, 0)
	case 'M':
		start = time.Date(y, mo, 1, 0, 0, 0, 0, loc)
		next = start.AddDate(0, 1, 0)
	case 'w':
		offset := (int(t.Weekday()) + 6) % 7 // days since Monday
		start = time.Date(y, mo, d-offset, 0, 0, 0, 0, loc)
		next = start.AddDate(0, 0, 7)
	case 'd':
		start = time.Date(y, mo, d, 0, 0, 0, 0, loc)
		next = start.AddDate(0, 0, 1)
	default:
		unitDur, err := clockUnit(unit)
		if err != nil {
			return time.Time{}, err
		}
		start = t.Truncate(unitDur)
		if unit != 's' {
			// Truncate works on absolute time; hours and minutes must follow
			// the wall clock of zones with non-whole-hour offsets.
			h, m, _ := t.Clock()
			if unit == 'm' {
				start = time.Date(y, mo, d, h, m, 0, 0, loc)
			} else {
				start = time.Date(y, mo, d, h, 0, 0, 0, loc)
			}
		}
		next = start.Add(unitDur)
	}
	if up {
		return next.Add(-time.Nanosecond), nil
	}
	return start, nil
}
