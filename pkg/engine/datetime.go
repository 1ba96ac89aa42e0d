package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/timefmt-go"
)

// Datetime input formats accepted in a field mapping's input_formats; any
// other value containing '%' is a strptime pattern such as "%Y-%m-%d %H:%M:%S".
const (
	FormatRFC3339       = "rfc3339"
	FormatRFC2822       = "rfc2822"
	FormatISO8601       = "iso8601"
	FormatUnixTimestamp = "unix_timestamp"
)

// dateFormat is one compiled input format.
type dateFormat struct {
	name    string
	layouts []string // Go layouts for rfc3339, rfc2822 and iso8601
	strp    string   // strptime pattern
	unix    bool
}

var (
	rfc2822Layouts = []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04:05 MST"}
	iso8601Layouts = []string{time.RFC3339Nano, "20060102T150405Z0700", "20060102T150405Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"}
)

func parseDateFormat(f string) (dateFormat, error) {
	switch strings.ToLower(f) {
	case FormatRFC3339:
		return dateFormat{name: FormatRFC3339, layouts: []string{time.RFC3339Nano}}, nil
	case FormatRFC2822:
		return dateFormat{name: FormatRFC2822, layouts: rfc2822Layouts}, nil
	case FormatISO8601:
		return dateFormat{name: FormatISO8601, layouts: iso8601Layouts}, nil
	case FormatUnixTimestamp:
		return dateFormat{name: FormatUnixTimestamp, unix: true}, nil
	}
	if strings.Contains(f, "%") {
		// Formatting a fixed time proves the pattern's directives are known.
		if _, err := timefmt.Parse(timefmt.Format(time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC), f), f); err != nil {
			return dateFormat{}, fmt.Errorf("input format %q is not a usable strptime pattern: %v", f, err)
		}
		return dateFormat{name: f, strp: f}, nil
	}
	return dateFormat{}, fmt.Errorf("input format %q is not supported, use rfc3339, rfc2822, iso8601, unix_timestamp or a strptime pattern such as \"%%Y-%%m-%%d %%H:%%M:%%S\"", f)
}

// parseDatetimeString tries each format in order and returns Unix nanoseconds.
func parseDatetimeString(s string, formats []dateFormat) (int64, error) {
	for _, f := range formats {
		for _, layout := range f.layouts {
			if t, err := time.Parse(layout, s); err == nil {
				return timeToNanos(t)
			}
		}
		if f.strp != "" {
			if t, err := timefmt.Parse(s, f.strp); err == nil {
				return timeToNanos(t)
			}
		}
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime with input formats %s", truncateForError(s), formatNames(formats))
}

// parseDatetimeNumber reads a Unix timestamp when unix_timestamp is allowed.
func parseDatetimeNumber(num string, formats []dateFormat) (int64, error) {
	allowed := false
	for _, f := range formats {
		allowed = allowed || f.unix
	}
	if !allowed {
		return 0, fmt.Errorf("got number %s but the input formats %s do not include unix_timestamp", num, formatNames(formats))
	}
	if i, err := strconv.ParseInt(num, 10, 64); err == nil {
		return unixTimestampNanos(i)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("number %s is not a Unix timestamp", num)
	}
	return unixTimestampFloatNanos(f)
}

// Unix timestamps are read as seconds, milliseconds, microseconds or
// nanoseconds depending on their magnitude, as Quickwit does: the range
// 13 Apr 1972 … 16 Mar 2242 is the one where the four do not overlap.
const (
	minUnixSeconds = 72_057_595
	maxUnixSeconds = 8_589_934_591
)

var unixScales = [...]int64{1_000_000_000, 1_000_000, 1_000, 1}

func unixTimestampNanos(v int64) (int64, error) {
	lo, hi := int64(minUnixSeconds), int64(maxUnixSeconds)
	for _, scale := range unixScales {
		if v >= lo && v <= hi {
			return v * scale, nil
		}
		lo, hi = lo*1000, hi*1000
	}
	return 0, fmt.Errorf("Unix timestamp %d is out of range: use seconds, milliseconds, microseconds or nanoseconds between 1972-04-13 and 2242-03-16", v)
}

func unixTimestampFloatNanos(v float64) (int64, error) {
	lo, hi := float64(minUnixSeconds), float64(maxUnixSeconds)
	for _, scale := range unixScales {
		if v >= lo && v <= hi+1 {
			return int64(math.Round(v * float64(scale))), nil
		}
		lo, hi = lo*1000, hi*1000
	}
	return 0, fmt.Errorf("Unix timestamp %v is out of range: use seconds, milliseconds, microseconds or nanoseconds between 1972-04-13 and 2242-03-16", v)
}

// timeToNanos rejects times outside what int64 nanoseconds can hold.
func timeToNanos(t time.Time) (int64, error) {
	if y := t.Year(); y < 1678 || y > 2261 {
		return 0, fmt.Errorf("datetime %s is out of range: years 1678 to 2261 are supported", t.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

func formatNames(formats []dateFormat) string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// truncateForError keeps error messages short when a value is huge.
func truncateForError(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
