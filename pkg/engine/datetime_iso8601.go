package engine

import (
	"fmt"
	"math/bits"
	"time"
)

// parseISO8601 reads an ISO 8601-1:2019 date-time with an offset, as
// Quickwit's iso8601 input format does (the time crate's Iso8601 parser
// into an OffsetDateTime): a calendar (2026-01-15, 20260115), ordinal
// (2026-015, 2026015) or week (2026-W03-4, 2026W034) date; 'T'; hours,
// hours:minutes or hours:minutes:seconds, basic or extended, the last of
// them with an optional decimal fraction ('.' or ','); and an offset: Z,
// ±hh, ±hh:mm or ±hhmm. Extended and basic forms are not mixed.
func parseISO8601(s string) (time.Time, error) {
	p := isoParser{s: s}
	t, err := p.parse()
	if err != nil {
		return time.Time{}, fmt.Errorf("not an ISO 8601 date-time with an offset: %v", err)
	}
	return t, nil
}

type isoParser struct {
	s   string
	pos int
	ext bool // extended form (separators)
}

func (p *isoParser) Peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// digits reads exactly n digits.
func (p *isoParser) digits(n int) (int, error) {
	if p.pos+n > len(p.s) {
		return 0, fmt.Errorf("expected %d digits at byte %d", n, p.pos)
	}
	v := 0
	for _, c := range []byte(p.s[p.pos : p.pos+n]) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("expected %d digits at byte %d", n, p.pos)
		}
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, nil
}

func (p *isoParser) sep(c byte) bool {
	if p.ext && p.Peek() == c {
		p.pos++
		return true
	}
	return !p.ext
}

func (p *isoParser) parse() (time.Time, error) {
	year, err := p.year()
	if err != nil {
		return time.Time{}, err
	}
	p.ext = p.Peek() == '-'
	if p.ext {
		p.pos++
	}
	date, err := p.date(year)
	if err != nil {
		return time.Time{}, err
	}
	if p.Peek() != 'T' && p.Peek() != 't' {
		return time.Time{}, fmt.Errorf("expected 'T' at byte %d", p.pos)
	}
	p.pos++
	clock, err := p.clock()
	if err != nil {
		return time.Time{}, err
	}
	loc, err := p.offset()
	if err != nil {
		return time.Time{}, err
	}
	if p.pos != len(p.s) {
		return time.Time{}, fmt.Errorf("unexpected %q after the offset", p.s[p.pos:])
	}
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).Add(clock), nil
}

// year reads four digits, or a sign and six (the expanded form the time
// crate formats by default).
func (p *isoParser) year() (int, error) {
	if c := p.Peek(); c == '+' || c == '-' {
		p.pos++
		y, err := p.digits(6)
		if c == '-' {
			y = -y
		}
		return y, err
	}
	return p.digits(4)
}

// date reads what follows the year: -MM-DD, -DDD or -Www-D (or the
// basic forms without dashes).
func (p *isoParser) date(year int) (time.Time, error) {
	if p.Peek() == 'W' {
		p.pos++
		week, err := p.digits(2)
		if err != nil {
			return time.Time{}, err
		}
		if !p.sep('-') {
			return time.Time{}, fmt.Errorf("expected '-' at byte %d", p.pos)
		}
		wd, err := p.digits(1)
		if err != nil || wd < 1 || wd > 7 || week < 1 || week > isoWeeksIn(year) {
			return time.Time{}, fmt.Errorf("week %d day %d is not a date of %d", week, wd, year)
		}
		// Week 1 holds January 4th; weeks start on Monday.
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -(int(jan4.Weekday())+6)%7)
		return monday.AddDate(0, 0, (week-1)*7+wd-1), nil
	}
	// Ordinal and calendar dates differ in length: DDD against MM-DD/MMDD.
	rest := 0
	for i := p.pos; i < len(p.s) && p.s[i] >= '0' && p.s[i] <= '9'; i++ {
		rest++
	}
	if rest == 3 {
		day, _ := p.digits(3)
		if day < 1 || day > daysIn(year) {
			return time.Time{}, fmt.Errorf("day %d is not a day of %d", day, year)
		}
		return time.Date(year, 1, day, 0, 0, 0, 0, time.UTC), nil
	}
	month, err := p.digits(2)
	if err != nil {
		return time.Time{}, err
	}
	if !p.sep('-') {
		return time.Time{}, fmt.Errorf("expected '-' at byte %d", p.pos)
	}
	day, err := p.digits(2)
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || t.Day() != day {
		return time.Time{}, fmt.Errorf("%04d-%02d-%02d is not a date", year, month, day)
	}
	return t, nil
}

// clock reads hh[:mm[:ss]] with a decimal fraction on the last part.
func (p *isoParser) clock() (time.Duration, error) {
	units := []time.Duration{time.Hour, time.Minute, time.Second}
	limits := []int{23, 59, 59}
	var d time.Duration
	for i, unit := range units {
		if i > 0 {
			if p.ext && p.Peek() != ':' || !p.ext && (p.Peek() < '0' || p.Peek() > '9') {
				break
			}
			if p.ext {
				p.pos++
			}
		}
		v, err := p.digits(2)
		if err != nil {
			return 0, err
		}
		if v > limits[i] {
			return 0, fmt.Errorf("%d is out of range at byte %d", v, p.pos-2)
		}
		d += time.Duration(v) * unit
		if c := p.Peek(); c == '.' || c == ',' {
			p.pos++
			start := p.pos
			var num, den uint64 = 0, 1
			for ; p.Peek() >= '0' && p.Peek() <= '9'; p.pos++ {
				if den < 1e18 { // digits past nanoseconds of an hour change nothing
					num, den = num*10+uint64(p.Peek()-'0'), den*10
				}
			}
			if p.pos == start {
				return 0, fmt.Errorf("expected digits after the decimal sign at byte %d", p.pos)
			}
			// unit·num/den, rounded, in 128 bits: it is below one unit.
			hi, lo := bits.Mul64(uint64(unit), num)
			lo, carry := bits.Add64(lo, den/2, 0)
			q, _ := bits.Div64(hi+carry, lo, den)
			d += time.Duration(q)
			break
		}
	}
	return d, nil
}

// offset reads Z, ±hh, ±hh:mm or ±hhmm.
func (p *isoParser) offset() (*time.Location, error) {
	switch c := p.Peek(); c {
	case 'Z', 'z':
		p.pos++
		return time.UTC, nil
	case '+', '-':
		p.pos++
		h, err := p.digits(2)
		if err != nil {
			return nil, err
		}
		m := 0
		if p.Peek() == ':' || p.Peek() >= '0' && p.Peek() <= '9' {
			if p.Peek() == ':' {
				p.pos++
			}
			if m, err = p.digits(2); err != nil {
				return nil, err
			}
		}
		if h > 23 || m > 59 {
			return nil, fmt.Errorf("offset %02d:%02d is out of range", h, m)
		}
		secs := h*3600 + m*60
		if c == '-' {
			secs = -secs
		}
		return time.FixedZone("", secs), nil
	}
	return nil, fmt.Errorf("expected an offset (Z or ±hh:mm) at byte %d", p.pos)
}

func daysIn(year int) int {
	return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
}

// isoWeeksIn is 53 for years whose January 1st is a Thursday (or a
// Wednesday in a leap year), 52 otherwise.
func isoWeeksIn(year int) int {
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}
