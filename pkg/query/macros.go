package query

import (
	"strconv"
	"strings"
	"time"
)

// MacroContext carries what backend macros expand to: the request's time
// range and interval. Alert rules and the HTTP API run without a browser, so
// Grafana's frontend never replaced these macros for them.
type MacroContext struct {
	From     time.Time
	To       time.Time
	Interval time.Duration
}

// ExpandMacros replaces Grafana's global macros in query text, in both the
// `$__name` and `${__name}` forms: $__interval (Grafana's format: 30s, 1m),
// $__interval_ms, $__from and $__to (epoch ms), $__range (seconds, as in
// 3600s, Grafana's format), $__range_s and $__range_ms. Run it before Parse on
// the backend. A macro whose value is unknown (a zero Interval or time) and any
// other `$` text are left unchanged, so Parse reports them as unresolved.
func ExpandMacros(text string, m MacroContext) string {
	if !strings.Contains(text, "$") {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '$' || (i > 0 && text[i-1] == '\\') {
			continue
		}
		name, end := macroAt(text, i)
		if name == "" {
			continue
		}
		value, ok := macroValue(name, m)
		if !ok {
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(value)
		last = end
		i = end - 1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// macroAt returns the macro name (without "$__") at i and where it ends.
func macroAt(text string, i int) (string, int) {
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "${__"):
		n := wordRun(rest[4:])
		if n == 0 || !strings.HasPrefix(rest[4+n:], "}") {
			return "", 0
		}
		return rest[4 : 4+n], i + 4 + n + 1
	case strings.HasPrefix(rest, "$__"):
		n := wordRun(rest[3:])
		if n == 0 {
			return "", 0
		}
		return rest[3 : 3+n], i + 3 + n
	}
	return "", 0
}

func macroValue(name string, m MacroContext) (string, bool) {
	switch name {
	case "interval":
		if m.Interval <= 0 {
			return "", false
		}
		return FormatInterval(m.Interval), true
	case "interval_ms":
		if m.Interval <= 0 {
			return "", false
		}
		return strconv.FormatInt(m.Interval.Milliseconds(), 10), true
	case "from":
		if m.From.IsZero() {
			return "", false
		}
		return strconv.FormatInt(m.From.UnixMilli(), 10), true
	case "to":
		if m.To.IsZero() {
			return "", false
		}
		return strconv.FormatInt(m.To.UnixMilli(), 10), true
	case "range", "range_s", "range_ms":
		if m.From.IsZero() || m.To.IsZero() {
			return "", false
		}
		ms := m.To.Sub(m.From).Milliseconds()
		switch name {
		case "range_ms":
			return strconv.FormatInt(ms, 10), true
		case "range_s":
			return strconv.FormatInt((ms+500)/1000, 10), true
		}
		return strconv.FormatInt((ms+500)/1000, 10) + "s", true
	}
	return "", false
}

// FormatInterval writes an interval the way Grafana writes $__interval: the
// largest whole unit among y, d, h, m, s and ms (90s → 1m), at least 1ms.
func FormatInterval(d time.Duration) string {
	const day = 24 * time.Hour
	const year = 365 * day
	switch {
	case d >= year:
		return strconv.FormatInt(int64(d/year), 10) + "y"
	case d >= day:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	case d >= time.Hour:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d >= time.Minute:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d >= time.Second:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d >= time.Millisecond:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return "1ms"
}
