package column

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// TestPrefixNumberRefusesDamage: a damaged prefixed-number body is an error
// naming the problem, never a panic or a wrong id.
func TestPrefixNumberRefusesDamage(t *testing.T) {
	frame := func(base uint64) []byte { // FOR frame of two numbers, 0 bits wide
		return append(binary.LittleEndian.AppendUint64(nil, base), 0)
	}
	body := func(prefixLen uint64, prefix string, digits byte, f []byte) []byte {
		b := binary.AppendUvarint(nil, prefixLen)
		b = append(b, prefix...)
		b = append(b, digits)
		return append(b, f...)
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"valid", body(2, "u-", 3, frame(42)), ""},
		{"prefix past the end", body(200, "u-", 3, frame(42)), "prefix length"},
		{"no digit count", binary.AppendUvarint(nil, 0), "prefix length"},
		{"numbers of their own widths", body(2, "u-", 0, frame(42)), ""},
		{"number of twenty digits", body(2, "u-", 0, frame(1e19)), "wider than 19 digits"},
		{"twenty digits", body(2, "u-", 20, frame(42)), "20 digits"},
		{"number wider than its digits", body(2, "u-", 3, frame(1000)), "wider than 3 digits"},
		{"trailing bytes", body(2, "u-", 3, append(frame(42), 7)), "trailing"},
	} {
		var c Column
		c.Reset(event.KindString, encStrPrefixNum, 2)
		err := decodeStrPrefixNum(tc.body, 2, &c)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "" && c.Strs[0] != c.Strs[1], tc.want == "" && c.Strs[0] != "u-042" && c.Strs[0] != "u-42":
			t.Errorf("%s: decoded %q", tc.name, c.Strs[:2])
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}

// BenchmarkEncodeUserIDs: a block of user-0369614 ids, the form loadgen's
// user_id takes.
func BenchmarkEncodeUserIDs(b *testing.B) {
	const rows = 8192
	f := &Values{Present: make([]byte, rows/8), Kinds: 1 << event.KindString}
	for i := range rows {
		f.Present[i/8] |= 1 << (i % 8)
		f.Vals = append(f.Vals, event.StringValue("user-"+strings.Repeat("0", 1)+itoa6(i*7919%1000000)))
	}
	enc := ChunkEncoder{DictIndex: map[string]uint32{}}
	b.ReportAllocs()
	for b.Loop() {
		if _, meta := enc.EncodeField(f, rows); meta.Encoding != encStrPrefixNum {
			b.Fatalf("encoding %v", meta.Encoding)
		}
	}
}

func itoa6(n int) string {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}
