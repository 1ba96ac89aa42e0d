package logsql

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// term prints field:value. Text fields match the value's words as a
// phrase, case-insensitively (i("…")); numbers compare as numbers
// (range[v, v], so 5 finds 5.0); other values match the whole value.
func (p *printer) term(b *strings.Builder, field, value string) error {
	if value == "" {
		return unsupported(field+`:""`, `LogsQL reads an empty value as "the field is missing"; use NOT `+field+`:* for that`)
	}
	if field == p.opts.TimestampField {
		t, err := query.ParseDateMath(value, p.opts.Now, false)
		if err != nil {
			return unsupported(field+":"+value, err.Error())
		}
		b.WriteString("_time:[" + formatTime(t) + ", " + formatTime(t) + "]")
		return nil
	}
	b.WriteString(p.field(field))
	b.WriteByte(':')
	if p.text[field] {
		if !hasWord(value) {
			return unsupported(field+":"+value, "the value has no letters or digits, so a text field matches nothing while LogsQL would match the characters")
		}
		b.WriteString("i(" + strconv.Quote(value) + ")")
		return nil
	}
	if f, ok := number(value); ok {
		b.WriteString("range[" + f + ", " + f + "]")
		return nil
	}
	b.WriteString("=" + strconv.Quote(value))
	return nil
}

// phrase prints a quoted phrase: words in order on text fields, the whole
// value elsewhere; with Prefix the last word (or the value) is a prefix.
func (p *printer) phrase(b *strings.Builder, field string, ph query.Phrase) error {
	shown := field + `:"` + ph.Text + `"`
	if ph.Prefix {
		shown += "*"
	}
	if ph.Text == "" {
		return unsupported(shown, `LogsQL reads an empty phrase as "the field is missing"; use NOT `+field+`:* for that`)
	}
	if field == p.opts.TimestampField {
		if ph.Prefix {
			return unsupported(shown, "a prefix of a timestamp has no meaning; use a range")
		}
		return p.term(b, field, ph.Text)
	}
	star := ""
	if ph.Prefix {
		star = "*"
	}
	b.WriteString(p.field(field))
	b.WriteByte(':')
	if p.text[field] {
		if !hasWord(ph.Text) {
			return unsupported(shown, "the phrase has no letters or digits, so a text field matches nothing while LogsQL would match the characters")
		}
		b.WriteString("i(" + strconv.Quote(ph.Text) + star + ")")
		return nil
	}
	if !ph.Prefix {
		if f, ok := number(ph.Text); ok {
			b.WriteString("range[" + f + ", " + f + "]")
			return nil
		}
	}
	b.WriteString("=" + strconv.Quote(ph.Text) + star)
	return nil
}

// prefix prints value*: a word prefix on text fields, a value prefix elsewhere.
func (p *printer) prefix(b *strings.Builder, field, value string) error {
	if field == p.opts.TimestampField {
		return unsupported(field+":"+value+"*", "a prefix of a timestamp has no meaning; use a range")
	}
	b.WriteString(p.field(field))
	b.WriteByte(':')
	if p.text[field] {
		if !hasWord(value) {
			return unsupported(field+":"+value+"*", "the prefix has no letters or digits")
		}
		b.WriteString("i(" + strconv.Quote(value) + "*)")
		return nil
	}
	b.WriteString("=" + strconv.Quote(value) + "*")
	return nil
}

// set prints field:IN [a b]: in("a","b") for whole values, an OR of
// phrases on text fields.
func (p *printer) set(b *strings.Builder, field string, values []string) error {
	if p.text[field] || field == p.opts.TimestampField {
		b.WriteByte('(')
		for i, v := range values {
			if i > 0 {
				b.WriteString(" OR ")
			}
			if err := p.term(b, field, v); err != nil {
				return err
			}
		}
		b.WriteByte(')')
		return nil
	}
	for _, v := range values {
		if v == "" {
			return unsupported(field+`:IN [""]`, `LogsQL reads an empty value as "the field is missing"`)
		}
	}
	b.WriteString(p.field(field))
	b.WriteString(":in(")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte(')')
	return nil
}

// rangeFilter prints a range: _time:[a, b) on the timestamp field (date
// math resolved here), range(a, b] when both ends are numbers, and string
// comparisons otherwise.
func (p *printer) rangeFilter(b *strings.Builder, r query.Range) error {
	if r.Field == p.opts.TimestampField {
		return p.timeRange(b, r)
	}
	lo, loNum := number(r.Lower.Value)
	hi, hiNum := number(r.Upper.Value)
	loNum = loNum || r.Lower.Unbounded
	hiNum = hiNum || r.Upper.Unbounded
	f := p.field(r.Field)
	if loNum && hiNum {
		if r.Lower.Unbounded {
			lo = "-Inf"
		}
		if r.Upper.Unbounded {
			hi = "Inf"
		}
		open, closing := "(", ")"
		if r.Lower.Inclusive {
			open = "["
		}
		if r.Upper.Inclusive {
			closing = "]"
		}
		b.WriteString(f + ":range" + open + lo + ", " + hi + closing)
		return nil
	}
	var parts []string
	if !r.Lower.Unbounded {
		op := ">"
		if r.Lower.Inclusive {
			op = ">="
		}
		parts = append(parts, f+":"+op+strconv.Quote(r.Lower.Value))
	}
	if !r.Upper.Unbounded {
		op := "<"
		if r.Upper.Inclusive {
			op = "<="
		}
		parts = append(parts, f+":"+op+strconv.Quote(r.Upper.Value))
	}
	if len(parts) == 0 {
		b.WriteString(f + ":*")
		return nil
	}
	b.WriteString(strings.Join(parts, " AND "))
	return nil
}

// timeRange resolves the bounds' date math as Elasticsearch does (gt and
// lte round up) and prints RFC 3339 with nanoseconds.
func (p *printer) timeRange(b *strings.Builder, r query.Range) error {
	bound := func(x query.Bound, roundUp bool) (time.Time, error) {
		t, err := query.ParseDateMath(x.Value, p.opts.Now, roundUp)
		if err != nil {
			return time.Time{}, unsupported(r.Field+" range bound '"+x.Value+"'", err.Error())
		}
		return t, nil
	}
	switch {
	case r.Lower.Unbounded && r.Upper.Unbounded:
		b.WriteByte('*')
		return nil
	case r.Lower.Unbounded:
		hi, err := bound(r.Upper, r.Upper.Inclusive)
		if err != nil {
			return err
		}
		op := "<"
		if r.Upper.Inclusive {
			op = "<="
		}
		b.WriteString("_time:" + op + formatTime(hi))
		return nil
	case r.Upper.Unbounded:
		lo, err := bound(r.Lower, !r.Lower.Inclusive)
		if err != nil {
			return err
		}
		op := ">"
		if r.Lower.Inclusive {
			op = ">="
		}
		b.WriteString("_time:" + op + formatTime(lo))
		return nil
	}
	lo, err := bound(r.Lower, !r.Lower.Inclusive)
	if err != nil {
		return err
	}
	hi, err := bound(r.Upper, r.Upper.Inclusive)
	if err != nil {
		return err
	}
	open, closing := "(", ")"
	if r.Lower.Inclusive {
		open = "["
	}
	if r.Upper.Inclusive {
		closing = "]"
	}
	b.WriteString("_time:" + open + formatTime(lo) + ", " + formatTime(hi) + closing)
	return nil
}

// decimal matches the numbers a user writes (no hex, no Inf, no NaN).
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// number returns s in a form LogsQL reads as a number, when s is a
// decimal number.
func number(s string) (string, bool) {
	if !decimal.MatchString(s) {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}
