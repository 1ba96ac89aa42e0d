package ingest

import (
	"strings"
	"testing"
)

// Seconds times 1e9 wrapped past 2262: a push dated 9999999999 s was stored
// at a time in 1834. Out-of-range times are now refused, naming the range.
func TestLokiProtoTimestampsOutOfRange(t *testing.T) {
	tests := []struct {
		secs, nanos int64
		wantErr     bool
	}{
		{1768485600, 0, false},
		{-5, 999_999_999, false},
		{9_223_372_035, 0, false},
		{9_999_999_999, 0, true},
		{-9_999_999_999, 0, true},
		{1768485600, 1_000_000_000, true},
	}
	for _, tt := range tests {
		body := encodePush(map[string][]lokiEntry{`{app="a"}`: {{tt.secs, tt.nanos, "line", nil}}}, []string{`{app="a"}`})
		docs, err := ParseLokiProto(body, 1<<20)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "out of range") {
				t.Errorf("%ds %dns: %v, want an out-of-range error (docs %q)", tt.secs, tt.nanos, err, docs)
			}
			continue
		}
		if err != nil || len(docs) != 1 {
			t.Errorf("%ds %dns: %v", tt.secs, tt.nanos, err)
		}
	}
}
