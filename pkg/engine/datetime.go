package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/timefmt-go"
	"github.com/triage-logs/triage/pkg/engine/jsonscan"
)

// Datetime input formats accepted in a field mapping's input_formats, as
// Quickwit names them (case-insensitive); any other value must be a
// strptime pattern such as "%Y-%m-%d %H:%M:%S".
const (
	FormatRFC3339       = "rfc3339"
	FormatRFC2822       = "rfc2822"
	FormatISO8601       = "iso8601"
	FormatUnixTimestamp = "unix_timestamp"
)

// dateFormat is one compiled input format.
type dateFormat struct {
	name    string
	layouts []string // Go layouts for rfc3339 and rfc2822
	iso8601 bool
	strp    string // strptime pattern
	// strpYear is false when the pattern names no year, which is then
	// inferred (see inferYear).
	strpYear bool
	unix     bool
}

var rfc2822Layouts = []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04:05 MST"}

// strftimeMarkers are the specifiers one of which a custom format must
// contain to be taken for a strptime pattern (Quickwit's rule).
var strftimeMarkers = []string{"%a", "%A", "%b", "%B", "%c", "%C", "%d", "%D", "%e", "%f", "%F", "%h", "%H", "%I", "%j", "%k",
	"%l", "%m", "%M", "%n", "%p", "%P", "%r", "%R", "%S", "%t", "%T", "%U", "%w", "%W", "%x", "%X", "%y", "%Y", "%z", "%Z"}

func parseDateFormat(f string) (dateFormat, error) {
	switch strings.ToLower(f) {
	case FormatRFC3339:
		return dateFormat{name: FormatRFC3339, layouts: []string{time.RFC3339Nano}}, nil
	case FormatRFC2822:
		return dateFormat{name: FormatRFC2822, layouts: rfc2822Layouts}, nil
	case FormatISO8601:
		return dateFormat{name: FormatISO8601, iso8601: true}, nil
	case FormatUnixTimestamp:
		return dateFormat{name: FormatUnixTimestamp, unix: true}, nil
	}
	if err := checkStrptime(f, "input"); err != nil {
		return dateFormat{}, err
	}
	return dateFormat{name: f, strp: f, strpYear: strings.ContainsAny(strpDirectives(f), "YyCGgDFcx")}, nil
}

// checkStrptime validates a custom format: it needs a specifier (else it
// is a misspelt format name), %Z is refused as in Quickwit (zone names are
// ambiguous; use %z), and formatting a fixed time proves the rest known.
func checkStrptime(f, kind string) error {
	known := false
	for _, m := range strftimeMarkers {
		known = known || strings.Contains(f, m)
	}
	if !known {
		return fmt.Errorf("%s format %q is not supported, use rfc3339, rfc2822, iso8601, %s or a strptime pattern such as \"%%Y-%%m-%%d %%H:%%M:%%S\"",
			kind, f, map[string]string{"input": "unix_timestamp", "output": "unix_timestamp_secs (millis, micros, nanos)"}[kind])
	}
	if strings.Contains(strpDirectives(f), "Z") {
		return fmt.Errorf("%s format %q: the time zone name specifier %%Z is not supported, use %%z (+hhmm or +hh:mm)", kind, f)
	}
	if _, err := timefmt.Parse(timefmt.Format(time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC), f), f); err != nil {
		return fmt.Errorf("%s format %q is not a usable strptime pattern: %v", kind, f, err)
	}
	return nil
}

// strpDirectives returns the letters of f's specifiers (%% excluded).
func strpDirectives(f string) string {
	var b strings.Builder
	for i := 0; i+1 < len(f); i++ {
		if f[i] == '%' {
			if f[i+1] != '%' {
				b.WriteByte(f[i+1])
			}
			i++
		}
	}
	return b.String()
}

// parseDatetimeString tries each format in order and returns Unix nanoseconds.
func parseDatetimeString(s string, formats []dateFormat) (int64, error) {
	for _, f := range formats {
		for _, layout := range f.layouts {
			if t, err := time.Parse(layout, s); err == nil {
				return timeToNanos(t)
			}
		}
		switch {
		case f.iso8601:
			if t, err := parseISO8601(s); err == nil {
				return timeToNanos(t)
			}
		case f.strp != "":
			if t, err := timefmt.Parse(s, f.strp); err == nil {
				if !f.strpYear {
					t = withInferredYear(t, time.Now().UTC())
				}
				return timeToNanos(t)
			}
		case f.unix && isJSONNumber(s):
			// Quickwit also reads a Unix timestamp sent as a string.
			return parseDatetimeNumber(s, formats)
		}
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime with input formats %s", truncateForError(s), formatNames(formats))
}

func isJSONNumber(s string) bool {
	sc := jsonscan.Scanner{Buf: []byte(s)}
	n, err := sc.Number()
	return err == nil && n == s
}

// withInferredYear gives a time parsed without a year the current one, or
// the previous one when its month is more than three months ahead (a log
// line from December read in January), as Quickwit's infer_year does.
func withInferredYear(t, now time.Time) time.Time {
	year := now.Year()
	if int(t.Month()) > int(now.Month())+3 {
		year--
	}
	return time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
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
