package jsonscan

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Scanner reads one JSON document in place, without building a tree:
// parseDocument walks objects key by key and converts each value where it
// stands, which costs a fraction of decoding into map[string]any.
type Scanner struct {
	Buf     []byte
	Pos     int
	Depth   int
	Scratch []byte
}

// maxJSONDepth bounds nesting so a hostile document cannot exhaust the stack.
const MaxDepth = 64

type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

// Val is a scalar read from the document; objects and arrays are
// skipped and only their kind is kept (for error messages).
type Val struct {
	Kind Kind
	B    bool
	S    string // string value, or the number's text
}

func (s *Scanner) Errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.Pos, fmt.Sprintf(format, args...))
}

func (s *Scanner) SkipWS() {
	for s.Pos < len(s.Buf) {
		switch s.Buf[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek returns the next byte, or 0 at the end.
func (s *Scanner) Peek() byte {
	if s.Pos < len(s.Buf) {
		return s.Buf[s.Pos]
	}
	return 0
}

func (s *Scanner) Expect(c byte) error {
	if s.Peek() != c {
		if s.Pos >= len(s.Buf) {
			return s.Errorf("unexpected end, expected %q", c)
		}
		return s.Errorf("expected %q, found %q", c, s.Buf[s.Pos])
	}
	s.Pos++
	return nil
}

// Scalar reads the value at pos; objects and arrays are skipped.
func (s *Scanner) Scalar() (Val, error) {
	switch c := s.Peek(); {
	case c == '"':
		str, err := s.str()
		return Val{Kind: String, S: str}, err
	case c == '{':
		return Val{Kind: Object}, s.Skip()
	case c == '[':
		return Val{Kind: Array}, s.Skip()
	case c == 't':
		return Val{Kind: Bool, B: true}, s.Literal("true")
	case c == 'f':
		return Val{Kind: Bool}, s.Literal("false")
	case c == 'n':
		return Val{Kind: Null}, s.Literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		num, err := s.Number()
		return Val{Kind: Number, S: num}, err
	case s.Pos >= len(s.Buf):
		return Val{}, s.Errorf("unexpected end of document")
	default:
		return Val{}, s.Errorf("unexpected character %q", c)
	}
}

func (s *Scanner) Literal(word string) error {
	if len(s.Buf)-s.Pos < len(word) || string(s.Buf[s.Pos:s.Pos+len(word)]) != word {
		return s.Errorf("expected %s", word)
	}
	s.Pos += len(word)
	return nil
}

// Number validates JSON number syntax and returns its text.
func (s *Scanner) Number() (string, error) {
	start := s.Pos
	b := s.Buf
	i := s.Pos
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
		s.Pos = i
		return "", s.Errorf("malformed number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			s.Pos = i
			return "", s.Errorf("malformed number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.Pos = i
			return "", s.Errorf("malformed number")
		}
	}
	s.Pos = i
	return string(b[start:i]), nil
}

// str reads a string, decoding escapes; invalid UTF-8 becomes U+FFFD as
// encoding/json does.
func (s *Scanner) str() (string, error) {
	b, err := s.StrBytes()
	return string(b), err
}

// StrBytes is str without the copy: the bytes are valid until the next call.
func (s *Scanner) StrBytes() ([]byte, error) {
	if err := s.Expect('"'); err != nil {
		return nil, err
	}
	start := s.Pos
	for i := start; i < len(s.Buf); i++ {
		c := s.Buf[i]
		if c == '"' {
			s.Pos = i + 1
			raw := s.Buf[start:i]
			if utf8.Valid(raw) {
				return raw, nil
			}
			s.Scratch = fixUTF8(s.Scratch[:0], raw)
			return s.Scratch, nil
		}
		if c == '\\' || c < 0x20 {
			return s.strSlow(start)
		}
	}
	s.Pos = len(s.Buf)
	return nil, s.Errorf("unterminated string")
}

func (s *Scanner) strSlow(start int) ([]byte, error) {
	out := append(s.Scratch[:0], s.Buf[start:s.Pos]...)
	i := start
	b := s.Buf
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.Pos = i + 1
			if !utf8.Valid(out) {
				out = fixUTF8(nil, out)
			}
			s.Scratch = out
			return out, nil
		case c < 0x20:
			s.Pos = i
			return nil, s.Errorf("control character in string")
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
				s.Pos = i
				return nil, s.Errorf("bad \\u escape")
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
			s.Pos = i - 1
			return nil, s.Errorf("bad escape \\%c", esc)
		}
	}
	s.Pos = len(b)
	return nil, s.Errorf("unterminated string")
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

var ErrTooDeep = fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)

// Skip validates and passes over the value at pos.
func (s *Scanner) Skip() error {
	switch s.Peek() {
	case '{', '[':
		return s.Container(func() error { return s.Skip() })
	}
	_, err := s.Scalar()
	return err
}

// Container walks an object or array at pos, calling elem with pos at each
// value (after the key and colon for objects, whose keys it discards).
func (s *Scanner) Container(elem func() error) error {
	open := s.Buf[s.Pos]
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	s.Depth++
	if s.Depth > MaxDepth {
		return ErrTooDeep
	}
	s.Pos++
	for first := true; ; first = false {
		s.SkipWS()
		if s.Peek() == closer {
			s.Pos++
			s.Depth--
			return nil
		}
		if !first {
			if err := s.Expect(','); err != nil {
				return err
			}
			s.SkipWS()
		}
		if open == '{' {
			if _, err := s.StrBytes(); err != nil {
				return err
			}
			s.SkipWS()
			if err := s.Expect(':'); err != nil {
				return err
			}
			s.SkipWS()
		}
		if err := elem(); err != nil {
			return err
		}
	}
}

// ErrNotObject is the rejection of a document that is not a JSON object.
var ErrNotObject = errors.New("not a JSON object")
