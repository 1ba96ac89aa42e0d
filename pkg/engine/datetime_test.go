package engine

import (
	"strings"
	"testing"
	"time"
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
