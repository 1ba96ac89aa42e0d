package engine

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonScanner reads one JSON document in place, without building a tree:
// parseDocument walks objects key by key and converts each value where it
// stands, which costs a fraction of decoding into map[string]any.
type jsonScanner struct {
	buf     []byte
	pos     int
	depth   int
	scratch []byte
}

// maxJSONDepth bounds nesting so a hostile document cannot exhaust the stack.
const maxJSONDepth = 64

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonObject
	jsonArray
)

// jsonVal is a scalar read from the document; objects and arrays are
// skipped and only their kind is kept (for error messages).
type jsonVal struct {
	kind jsonKind
	b    bool
	s    string // string value, or the number's text
}

func (s *jsonScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.pos, fmt.Sprintf(format, args...))
}

func (s *jsonScanner) skipWS() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *jsonScanner) peek() byte {
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		if s.pos >= len(s.buf) {
			return s.errorf("unexpected end, expected %q", c)
		}
		return s.errorf("expected %q, found %q", c, s.buf[s.pos])
	}
	s.pos++
	return nil
}

// scalar reads the value at pos; objects and arrays are skipped.
func (s *jsonScanner) scalar() (jsonVal, error) {
	switch c := s.peek(); {
	case c == '"':
		str, err := s.str()
		return jsonVal{kind: jsonString, s: str}, err
	case c == '{':
		return jsonVal{kind: jsonObject}, s.skip()
	case c == '[':
		return jsonVal{kind: jsonArray}, s.skip()
	case c == 't':
		return jsonVal{kind: jsonBool, b: true}, s.literal("true")
	case c == 'f':
		return jsonVal{kind: jsonBool}, s.literal("false")
	case c == 'n':
		return jsonVal{kind: jsonNull}, s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		num, err := s.number()
		return jsonVal{kind: jsonNumber, s: num}, err
	case s.pos >= len(s.buf):
		return jsonVal{}, s.errorf("unexpected end of document")
	default:
		return jsonVal{}, s.errorf("unexpected character %q", c)
	}
}

func (s *jsonScanner) literal(word string) error {
	if len(s.buf)-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return s.errorf("expected %s", word)
	}
	s.pos += len(word)
	return nil
}

// number validates JSON number syntax and returns its text.
func (s *jsonScanner) number() (string, error) {
	start := s.pos
	b := s.buf
	i := s.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		s.pos = i
		return "", s.errorf("malformed number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			s.pos = i
			return "", s.errorf("malformed number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.pos = i
			return "", s.errorf("malformed number")
		}
	}
	s.pos = i
	return string(b[start:i]), nil
}

// str reads a string, decoding escapes; invalid UTF-8 becomes U+FFFD as
// encoding/json does.
func (s *jsonScanner) str() (string, error) {
	b, err := s.strBytes()
	return string(b), err
}

// strBytes is str without the copy: the bytes are valid until the next call.
func (s *jsonScanner) strBytes() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	start := s.pos
	for i := start; i < len(s.buf); i++ {
		c := s.buf[i]
		if c == '"' {
			s.pos = i + 1
			raw := s.buf[start:i]
			if utf8.Valid(raw) {
				return raw, nil
			}
			s.scratch = fixUTF8(s.scratch[:0], raw)
			return s.scratch, nil
		}
		if c == '\\' || c < 0x20 {
			return s.strSlow(start)
		}
	}
	s.pos = len(s.buf)
	return nil, s.errorf("unterminated string")
}

func (s *jsonScanner) strSlow(start int) ([]byte, error) {
	out := append(s.scratch[:0], s.buf[start:s.pos]...)
	i := start
	b := s.buf
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.pos = i + 1
			if !utf8.Valid(out) {
				out = fixUTF8(nil, out)
			}
			s.scratch = out
			return out, nil
		case c < 0x20:
			s.pos = i
			return nil, s.errorf("control character in string")
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		esc := b[i+1]
		i += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i)
			if !ok {
				s.pos = i
				return nil, s.errorf("bad \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok2 = hex4(b, i+2)
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			s.pos = i - 1
			return nil, s.errorf("bad escape \\%c", esc)
		}
	}
	s.pos = len(b)
	return nil, s.errorf("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	return rune(v), err == nil
}

func fixUTF8(dst, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		dst = utf8.AppendRune(dst, r)
		b = b[n:]
	}
	return dst
}

var errJSONTooDeep = fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)

// skip validates and passes over the value at pos.
func (s *jsonScanner) skip() error {
	switch s.peek() {
	case '{', '[':
		return s.container(func() error { return s.skip() })
	}
	_, err := s.scalar()
	return err
}

// container walks an object or array at pos, calling elem with pos at each
// value (after the key and colon for objects, whose keys it discards).
func (s *jsonScanner) container(elem func() error) error {
	open := s.buf[s.pos]
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	s.depth++
	if s.depth > maxJSONDepth {
		return errJSONTooDeep
	}
	s.pos++
	for first := true; ; first = false {
		s.skipWS()
		if s.peek() == closer {
			s.pos++
			s.depth--
			return nil
		}
		if !first {
			if err := s.expect(','); err != nil {
				return err
			}
			s.skipWS()
		}
		if open == '{' {
			if _, err := s.strBytes(); err != nil {
				return err
			}
			s.skipWS()
			if err := s.expect(':'); err != nil {
				return err
			}
			s.skipWS()
		}
		if err := elem(); err != nil {
			return err
		}
	}
}

// errNotObject is the rejection of a document that is not a JSON object.
var errNotObject = errors.New("not a JSON object")
