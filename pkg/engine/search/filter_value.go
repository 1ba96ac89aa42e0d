package search

import (
	"bytes"
	"cmp"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/query"
)

// queryScalar is a query value prepared for comparison with row values of
// any kind. A typed value (i64, datetime, …) compares only with rows of a
// compatible kind; an untyped one (text, json) also carries every typed
// form its text parses as, so `code:500` on a dynamic field matches a row
// holding the number 500 and one holding the string "500".
type queryScalar struct {
	text    string
	hasText bool // text and json values: compare with string rows
	isInt   bool
	i       int64
	isUint  bool
	u       uint64
	isNum   bool
	f       float64
	isBool  bool
	b       bool
	isTime  bool
	t       int64
	isIP    bool
	ip      netip.Addr
}

func newQueryScalar(v query.Value) queryScalar {
	var q queryScalar
	switch v.Type {
	case query.TypeText, query.TypeJSON:
		q.text, q.hasText = v.Text, true
		q.parseText(v.Text)
	case query.TypeI64:
		q.setInt(v.Int)
	case query.TypeU64:
		q.setUint(v.Uint)
	case query.TypeF64:
		q.setFloat(v.Float)
	case query.TypeBool:
		q.isBool, q.b = true, v.Bool
	case query.TypeDatetime:
		q.isTime, q.t = true, v.Int
	case query.TypeIP:
		if a, err := netip.ParseAddr(v.Text); err == nil {
			q.isIP, q.ip = true, a.Unmap()
		}
	}
	return q
}

// parseText fills the typed forms an untyped value's text stands for.
func (q *queryScalar) parseText(s string) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		q.setInt(n)
	} else if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		q.setUint(u)
	} else if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && !strings.ContainsAny(s, "xXnN_") {
		q.setFloat(f)
	}
	switch strings.ToLower(s) {
	case "true":
		q.isBool, q.b = true, true
	case "false":
		q.isBool = true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		q.isTime, q.t = true, t.UnixNano()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		q.isIP, q.ip = true, a.Unmap()
	}
}

func (q *queryScalar) setInt(n int64) {
	q.isInt, q.i, q.isNum, q.f = true, n, true, float64(n)
	if n >= 0 {
		q.isUint, q.u = true, uint64(n)
	}
}

func (q *queryScalar) setUint(u uint64) {
	q.isUint, q.u, q.isNum, q.f = true, u, true, float64(u)
	if u <= math.MaxInt64 {
		q.isInt, q.i = true, int64(u)
	}
}

func (q *queryScalar) setFloat(f float64) {
	q.isNum, q.f = true, f
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		q.isInt, q.i = true, int64(f)
		if f >= 0 {
			q.isUint, q.u = true, uint64(f)
		}
	}
}

// compareRow orders a row value against q; ok is false when the two cannot
// be compared (different kinds of thing, NaN, null).
func compareRow(v *event.Value, q *queryScalar) (c int, ok bool) {
	switch v.Kind {
	case event.KindString:
		if !q.hasText {
			return 0, false
		}
		return strings.Compare(v.Str, q.text), true
	case event.KindInt64:
		switch {
		case q.isInt:
			return cmp.Compare(v.Int(), q.i), true
		case q.isUint: // above MaxInt64
			return -1, true
		case q.isNum:
			return cmp.Compare(float64(v.Int()), q.f), true
		}
	case event.KindUint64:
		switch {
		case q.isUint:
			return cmp.Compare(v.Uint(), q.u), true
		case q.isInt: // negative
			return 1, true
		case q.isNum:
			return cmp.Compare(float64(v.Uint()), q.f), true
		}
	case event.KindFloat64:
		if q.isNum && !math.IsNaN(v.Float()) {
			return cmp.Compare(v.Float(), q.f), true
		}
	case event.KindBool:
		if q.isBool {
			return boolInt(v.Bool()) - boolInt(q.b), true
		}
	case event.KindTime:
		if q.isTime {
			return cmp.Compare(v.Int(), q.t), true
		}
	case event.KindIP:
		if q.isIP {
			if a, err := netip.ParseAddr(v.Str); err == nil {
				return compareIP(a, q.ip), true
			}
		}
	}
	return 0, false
}

// compareIP orders addresses as Elasticsearch does: IPv4 as its
// IPv4-mapped IPv6 form, so ::1 sorts before every IPv4 address.
func compareIP(a, b netip.Addr) int {
	x, y := a.As16(), b.As16()
	return bytes.Compare(x[:], y[:])
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// termText is how a value of kind k equal to q appears in the term index,
// for kinds indexed by their text (see blockBuilder.granuleTerms).
func (q *queryScalar) termText(k event.Kind) (string, bool) {
	switch k {
	case event.KindInt64:
		if q.isInt {
			return strconv.FormatInt(q.i, 10), true
		}
	case event.KindUint64:
		if q.isUint {
			return strconv.FormatUint(q.u, 10), true
		}
	case event.KindBool:
		if q.isBool {
			return strconv.FormatBool(q.b), true
		}
	case event.KindIP:
		if q.isIP {
			return q.ip.String(), true
		}
	}
	return "", false
}

func parseUint(s string) (uint64, bool) {
	u, err := strconv.ParseUint(s, 10, 64)
	return u, err == nil
}
