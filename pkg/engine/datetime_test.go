package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

func TestParseDatetime(t *testing.T) {
	ref := time.Date(2026, 1, 15, 14, 0, 5, 0, time.UTC)
	tests := []struct {
		formats []string
		str     string // a string input, or
		num     string // a JSON number
		want    time.Time
		wantErr string
	}{
		{formats: []string{"rfc3339"}, str: "2026-01-15T14:00:05Z", want: ref},
		{formats: []string{"rfc3339"}, str: "2026-01-15T16:00:05.250+02:00", want: ref.Add(250 * time.Millisecond)},
		{formats: []string{"rfc3339"}, str: "2026-01-15 14:00:05", wantErr: "input formats rfc3339"},
		{formats: []string{"rfc2822"}, str: "Thu, 15 Jan 2026 14:00:05 +0000", want: ref},
		{formats: []string{"iso8601"}, str: "20260115T140005Z", want: ref},
		{formats: []string{"%Y-%m-%d %H:%M:%S"}, str: "2026-01-15 14:00:05", want: ref},
		{formats: []string{"%Y/%m/%d %H:%M:%S %z"}, str: "2026/01/15 15:00:05 +0100", want: ref},
		{formats: []string{"rfc3339", "%d/%b/%Y:%H:%M:%S %z"}, str: "15/Jan/2026:14:00:05 +0000", want: ref},
		{formats: []string{"unix_timestamp"}, num: "1768485605", want: ref},
		{formats: []string{"unix_timestamp"}, num: "1768485605000", want: ref},
		{formats: []string{"unix_timestamp"}, num: "1768485605000000", want: ref},
		{formats: []string{"unix_timestamp"}, num: "1768485605000000000", want: ref},
		{formats: []string{"unix_timestamp"}, num: "1768485605.5", want: ref.Add(500 * time.Millisecond)},
		{formats: []string{"unix_timestamp"}, num: "0", wantErr: "out of range"},
		{formats: []string{"unix_timestamp"}, num: "72057594", wantErr: "out of range"},
		{formats: []string{"rfc3339"}, num: "1768485605", wantErr: "do not include unix_timestamp"},
		{formats: []string{"unix_timestamp"}, str: "yesterday", wantErr: `cannot parse "yesterday"`},
	}
	for _, tc := range tests {
		var formats []dateFormat
		for _, f := range tc.formats {
			df, err := parseDateFormat(f)
			if err != nil {
				t.Fatalf("format %q: %v", f, err)
			}
			formats = append(formats, df)
		}
		var ns int64
		var err error
		if tc.num != "" {
			ns, err = parseDatetimeNumber(tc.num, formats)
		} else {
			ns, err = parseDatetimeString(tc.str, formats)
		}
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v %q%q: error %v, want %q", tc.formats, tc.str, tc.num, err, tc.wantErr)
			}
			continue
		}
		if err != nil || ns != tc.want.UnixNano() {
			t.Errorf("%v %q%q = %v, %v; want %v", tc.formats, tc.str, tc.num, time.Unix(0, ns).UTC(), err, tc.want)
		}
	}
}

func TestParseDateFormatRejects(t *testing.T) {
	for _, f := range []string{"epoch", "", "YYYY-MM-DD"} {
		if _, err := parseDateFormat(f); err == nil {
			t.Errorf("parseDateFormat(%q) accepted", f)
		}
	}
}

func TestParseDatetimeQuickwitFormats(t *testing.T) {
	ref := time.Date(2026, 1, 15, 14, 0, 5, 0, time.UTC)
	now := time.Now().UTC()
	tests := []struct {
		format, str string
		want        time.Time
		wantErr     string
	}{
		// ISO 8601 as the time crate reads it: calendar, ordinal and week
		// dates, basic and extended, fractions on the last time unit.
		{"iso8601", "2026-01-15T14:00:05Z", ref, ""},
		{"iso8601", "20260115T140005Z", ref, ""},
		{"iso8601", "20120521T120914.12Z", time.Date(2012, 5, 21, 12, 9, 14, 120e6, time.UTC), ""},
		{"iso8601", "2026-015T14:00:05+00:00", ref, ""},
		{"iso8601", "2026015T140005Z", ref, ""},
		{"iso8601", "2026-W03-4T14:00:05Z", ref, ""},
		{"iso8601", "2026W034T140005Z", ref, ""},
		{"iso8601", "2026-01-15T13:59,5Z", ref.Add(-35 * time.Second), ""},
		{"iso8601", "2026-01-15T14.0013888888889Z", ref, ""},
		{"iso8601", "2026-01-15T16Z", time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC), ""},
		{"iso8601", "2026-01-15T15:00:05+01", ref, ""},
		{"iso8601", "2026-01-15T09:30:05-0430", ref, ""},
		{"iso8601", "+002026-01-15T14:00:05.000000000Z", ref, ""},
		{"iso8601", "2026-01-15T14:00:05", time.Time{}, "cannot parse"}, // no offset
		{"iso8601", "2026-01-15", time.Time{}, "cannot parse"},
		{"iso8601", "2026-0115T14:00:05Z", time.Time{}, "cannot parse"}, // mixed forms
		{"iso8601", "2026-02-30T00:00:00Z", time.Time{}, "cannot parse"},
		{"iso8601", "2026-W54-1T00:00:00Z", time.Time{}, "cannot parse"},
		// Unix timestamps in strings, as Quickwit reads them.
		{"unix_timestamp", "1768485605", ref, ""},
		{"unix_timestamp", "1768485605000", ref, ""},
		{"unix_timestamp", "0x10", time.Time{}, "cannot parse"},
		// strptime: names case-insensitive, missing time is midnight,
		// missing year inferred, %f fractions, %z both ways.
		{"%Y-%m-%d", "2026-01-15", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), ""},
		{"%Y-%m-%d", "2026-01-15TABC", time.Time{}, "cannot parse"},
		{"%Y-%m-%d %I:%M:%S %p", "2012-05-21 10:05:12 pm", time.Date(2012, 5, 21, 22, 5, 12, 0, time.UTC), ""},
		{"%Y-%m-%d %H:%M:%S.%f", "2012-05-21 12:09:14.120", time.Date(2012, 5, 21, 12, 9, 14, 120e6, time.UTC), ""},
		{"%Y-%m-%d %H:%M:%S %z", "2012-05-21 12:09:14 -03:00", time.Date(2012, 5, 21, 15, 9, 14, 0, time.UTC), ""},
		{"%d/%b/%Y:%H:%M:%S %z", "21/May/2012:12:09:14 +0200", time.Date(2012, 5, 21, 10, 9, 14, 0, time.UTC), ""},
		{"%b %d %H:%M:%S", now.Format("Jan 02 15:04:05"), now.Truncate(time.Second), ""},
	}
	for _, tc := range tests {
		df, err := parseDateFormat(tc.format)
		if err != nil {
			t.Fatalf("format %q: %v", tc.format, err)
		}
		ns, err := parseDatetimeString(tc.str, []dateFormat{df})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s %q: %v, %v; want error %q", tc.format, tc.str, time.Unix(0, ns).UTC(), err, tc.wantErr)
			}
			continue
		}
		if err != nil || ns != tc.want.UnixNano() {
			t.Errorf("%s %q = %v, %v; want %v", tc.format, tc.str, time.Unix(0, ns).UTC(), err, tc.want)
		}
	}
}

func TestInferYear(t *testing.T) {
	jan := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	for month, want := range map[time.Month]int{time.January: 2024, time.April: 2024, time.May: 2023, time.December: 2023} {
		if got := withInferredYear(time.Date(1900, month, 1, 0, 0, 0, 0, time.UTC), jan).Year(); got != want {
			t.Errorf("month %v read in January 2024: year %d, want %d", month, got, want)
		}
	}
}

func TestDateFormatsRefused(t *testing.T) {
	for f, want := range map[string]string{
		"epoch":               "is not supported",
		"test%":               "is not supported",
		"test-%q":             "is not supported",
		"unix_timestamp_secs": "is not supported", // an output format only
		"%Y-%m-%d %Z":         "%Z is not supported",
	} {
		if _, err := parseDateFormat(f); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("input format %q: %v, want %q", f, err, want)
		}
	}
	for _, f := range []string{"RFC3339", "Iso8601", "UNIX_TIMESTAMP"} {
		if _, err := parseDateFormat(f); err != nil {
			t.Errorf("input format %q: %v", f, err)
		}
	}
}

func TestOutputFormats(t *testing.T) {
	ns := time.Date(2026, 1, 15, 14, 0, 5, 123456789, time.UTC).UnixNano()
	cases := []struct {
		format string
		want   any
	}{
		{"", "2026-01-15T14:00:05.123456789Z"},
		{"rfc3339", "2026-01-15T14:00:05.123456789Z"},
		{"iso8601", "+002026-01-15T14:00:05.123456789Z"},
		{"rfc2822", "Thu, 15 Jan 2026 14:00:05 +0000"},
		{"unix_timestamp_secs", int64(1768485605)},
		{"unix_timestamp_millis", int64(1768485605123)},
		{"unix_timestamp_micros", int64(1768485605123456)},
		{"unix_timestamp_nanos", ns},
		{"%Y/%m/%d %H:%M", "2026/01/15 14:00"},
	}
	for _, tc := range cases {
		f, err := parseOutputFormat(tc.format, TypeDatetime)
		if err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		if got := f.formatTime(ns); got != tc.want {
			t.Errorf("%q: %#v, want %#v", tc.format, got, tc.want)
		}
	}
	// The iso8601 output reads back with the iso8601 input format.
	iso, _ := parseOutputFormat("iso8601", TypeDatetime)
	if back, err := parseISO8601(iso.formatTime(ns).(string)); err != nil || back.UnixNano() != ns {
		t.Errorf("iso8601 round trip: %v %v", back, err)
	}
}

func TestOutputFormatInConfig(t *testing.T) {
	cfg := `{"index_id":"x","doc_mapping":{"timestamp_field":"ts","field_mappings":[
		{"name":"ts","type":"datetime","fast":true,"output_format":"unix_timestamp_millis"},
		{"name":"seen","type":"datetime","output_format":"%Y-%m-%d"},
		{"name":"n","type":"u64","output_format":"string"},
		{"name":"f","type":"f64"}]}}`
	c, err := ParseIndexConfig([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(c); !strings.Contains(string(b), `"output_format":"unix_timestamp_millis"`) {
		t.Fatalf("output_format not kept in the config: %s", b)
	}
	o, err := c.OutputFormats()
	if err != nil {
		t.Fatal(err)
	}
	ns := time.Date(2026, 1, 15, 14, 0, 5, 0, time.UTC).UnixNano()
	if got := o.Timestamp(ns); got != int64(1768485605000) {
		t.Errorf("timestamp rendered %#v", got)
	}
	if got := o.Value("seen", event.TimeNanosValue(ns)); got != "2026-01-15" {
		t.Errorf("seen rendered %#v", got)
	}
	if got := o.Value("n", event.Uint64Value(18446744073709551615)); got != "18446744073709551615" {
		t.Errorf("n rendered %#v", got)
	}
	if got := o.Value("f", event.Float64Value(1.5)); got != 1.5 {
		t.Errorf("f rendered %#v", got)
	}
	for _, bad := range []struct{ mapping, want string }{
		{`{"name":"m","type":"text","output_format":"rfc3339"}`, "applies only to datetime and numeric fields"},
		{`{"name":"m","type":"datetime","output_format":"unix_timestamp"}`, "is not supported"},
		{`{"name":"m","type":"datetime","output_format":"%H %Z"}`, "%Z is not supported"},
		{`{"name":"m","type":"i64","output_format":"hex"}`, "numeric fields take number or string"},
	} {
		_, err := ParseIndexConfig([]byte(strings.Replace(cfg, `{"name":"f","type":"f64"}`, bad.mapping, 1)))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.mapping, err, bad.want)
		}
	}
}

// FuzzParseISO8601: any text either fails cleanly or parses to an instant
// that the iso8601 output format writes and the parser reads back.
func FuzzParseISO8601(f *testing.F) {
	for _, s := range []string{"2026-01-15T14:00:05Z", "2026W034T140005,5+0130", "2026-015T14:00-05", "+002026-01-15T14:00:05.000000000Z", "2026-1-1T1Z", ""} {
		f.Add(s)
	}
	iso, _ := parseOutputFormat("iso8601", TypeDatetime)
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseISO8601(s)
		if err != nil {
			return
		}
		ns, err := timeToNanos(tm)
		if err != nil {
			return
		}
		back, err := parseISO8601(iso.formatTime(ns).(string))
		if err != nil || back.UnixNano() != ns {
			t.Fatalf("%q → %d → %q → %v, %v", s, ns, iso.formatTime(ns), back, err)
		}
	})
}

// FuzzParseDatetime: any string with any of the input formats parses or
// fails with an error, never panics, and what parses re-reads as RFC 3339.
func FuzzParseDatetime(f *testing.F) {
	formats := []string{"rfc3339", "rfc2822", "iso8601", "unix_timestamp", "%Y-%m-%d %H:%M:%S.%f %z", "%b %d %H:%M:%S", "%d/%b/%Y:%H:%M:%S %z", "%y%j %I%p"}
	for i, s := range []string{"2026-01-15T14:00:05Z", "Thu, 15 Jan 2026 14:00:05 +0000", "20260115T140005Z", "1768485605.5", "2026-01-15 14:00:05.1 +01:00", "Jan 15 14:00:05", "15/Jan/2026:14:00:05 -0700", "26015 02PM"} {
		f.Add(s, uint8(i))
	}
	rfc, _ := parseDateFormat("rfc3339")
	out, _ := parseOutputFormat("rfc3339", TypeDatetime)
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		df, err := parseDateFormat(formats[int(which)%len(formats)])
		if err != nil {
			t.Fatal(err)
		}
		ns, err := parseDatetimeString(s, []dateFormat{df})
		if err != nil {
			return
		}
		back, err := parseDatetimeString(out.formatTime(ns).(string), []dateFormat{rfc})
		if err != nil || back != ns {
			t.Fatalf("%q: %d does not re-read as RFC 3339: %d, %v", s, ns, back, err)
		}
	})
}
