package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordMode says which characters end an unquoted word where it is read.
type wordMode uint8

const (
	// modeDefault: a clause start; an unescaped ':' ends the word (field separator).
	modeDefault wordMode = iota
	// modeValue: after "field:" or in a field group; ':' is part of the value.
	modeValue
	// modeBound: a range bound or set element; ']' and '}' end the word and
	// '+' is literal (date math: now+1h, 2026-01-15||+1d).
	modeBound
	// modeComparand: the value after '>', '>=', '<', '<='; like modeValue
	// but '+' is literal, as in modeBound.
	modeComparand
)

// word is one unquoted token, unescaped.
type word struct {
	text    string
	start   int
	end     int  // offset after the word (and after a trailing '*')
	escaped bool // some character was backslash-escaped
	star    bool // ended with an unescaped '*' (prefix), or is a lone '*' when text is ""
	colon   bool // modeDefault only: stopped at an unescaped ':'
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	}
	return unicode.IsSpace(r)
}

func isWordChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// reservedHint explains a reserved character met inside an unquoted word.
func reservedHint(r rune) string {
	q := "'" + string(r) + "'"
	esc := "'\\" + string(r) + "'"
	switch r {
	case '^':
		return "boosting with '^' is not supported; escape it as " + esc + " to search for it"
	case '~':
		return "fuzzy and proximity search with '~' are not supported; escape it as " + esc + " to search for it"
	case '"':
		return "unexpected '\"' inside a value; escape it as '\\\"' or quote the whole value"
	}
	return q + " is a reserved character; escape it as " + esc + " to search for it"
}

// atWordEnd reports whether the text at i ends a word read in mode.
func atWordEnd(text string, i int, mode wordMode) bool {
	if i >= len(text) {
		return true
	}
	c := text[i]
	switch c {
	case '(', ')':
		return mode != modeBound
	case ':':
		return mode == modeDefault
	case ']', '}':
		return mode == modeBound
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return isSpace(r)
}

// readWord reads an unquoted word at p.pos in mode and leaves p.pos after it.
// The word may be empty when the text at p.pos ends a word.
func (p *parser) readWord(mode wordMode) (word, error) {
	text := p.text
	w := word{start: p.pos}
	var buf []byte
	i := p.pos
	for i < len(text) {
		if atWordEnd(text, i, mode) {
			if mode == modeDefault && text[i] == ':' {
				w.colon = true
			}
			break
		}
		c := text[i]
		switch c {
		case '\\':
			if i+1 >= len(text) {
				return w, p.errAt(i, "a backslash at the end of the query escapes nothing; write '\\\\' to search for a backslash")
			}
			if buf == nil {
				buf = append(make([]byte, 0, len(text)-w.start), text[w.start:i]...)
			}
			_, size := utf8.DecodeRuneInString(text[i+1:])
			buf = append(buf, text[i+1:i+1+size]...)
			w.escaped = true
			i += 1 + size
			continue
		case '*':
			if !atWordEnd(text, i+1, mode) {
				return w, p.errAt(i, "'*' is only allowed at the end of a value (a prefix search); escape it as '\\*' to search for a star")
			}
			w.star = true
			w.end = i + 1
			w.text = p.wordText(buf, w.start, i)
			p.pos = w.end
			if mode == modeDefault && w.end < len(text) && text[w.end] == ':' {
				w.colon = true
			}
			return w, nil
		case '$':
			if err := p.checkTemplateVar(i); err != nil {
				return w, err
			}
		case '[':
			if err := p.checkTemplateVar(i); err != nil {
				return w, err
			}
			return w, p.errAt(i, reservedHint('['))
		case '+':
			if mode != modeBound && mode != modeComparand {
				return w, p.errAt(i, reservedHint('+'))
			}
		case '^', '`', '"', '{', '}', ']', '~', '!', '(', ')':
			return w, p.errAt(i, reservedHint(rune(c)))
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		if buf != nil {
			buf = append(buf, text[i:i+size]...)
		}
		i += size
	}
	w.end = i
	w.text = p.wordText(buf, w.start, i)
	p.pos = i
	return w, nil
}

func (p *parser) wordText(buf []byte, start, end int) string {
	if buf != nil {
		return string(buf)
	}
	return p.text[start:end]
}

// readQuoted reads a phrase opened by the quote at p.pos; inside it a backslash
// escapes any character and only the quote in use must be escaped.
func (p *parser) readQuoted() (string, error) {
	text := p.text
	open := p.pos
	quote := text[open]
	var b strings.Builder
	start := open + 1
	escaped := false
	for i := start; i < len(text); {
		c := text[i]
		switch {
		case c == quote:
			p.pos = i + 1
			if !escaped {
				return text[start:i], nil
			}
			return b.String(), nil
		case c == '\\':
			if i+1 >= len(text) {
				i++
				continue
			}
			if !escaped {
				b.Grow(i - start + 16)
				b.WriteString(text[start:i])
				escaped = true
			}
			_, size := utf8.DecodeRuneInString(text[i+1:])
			b.WriteString(text[i+1 : i+1+size])
			i += 1 + size
			continue
		case c == '$' || c == '[':
			if err := p.checkTemplateVar(i); err != nil {
				return "", err
			}
		}
		if escaped {
			b.WriteByte(c)
		}
		i++
	}
	return "", p.errAt(open, "missing closing "+quoteName(quote)+" for the phrase opened")
}

func quoteName(q byte) string {
	if q == '\'' {
		return `"'"`
	}
	return `'"'`
}

// checkTemplateVar fails when a Grafana template variable left unreplaced
// starts at i: $var, ${var}, ${var:fmt} or [[var]] / [[var:fmt]]. Searching
// such text would silently match nothing, so it is always an error.
func (p *parser) checkTemplateVar(i int) error {
	name, ok := templateVarAt(p.text, i)
	if !ok {
		return nil
	}
	return p.errAt(i, "unresolved template variable $"+name)
}

// templateVarAt reports the name of the template variable starting at i, with
// the same shapes Grafana's template service replaces.
func templateVarAt(text string, i int) (string, bool) {
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "${"):
		n := wordRun(rest[2:])
		if n == 0 {
			return "", false
		}
		return rest[2 : 2+n], true
	case strings.HasPrefix(rest, "$"):
		n := wordRun(rest[1:])
		if n == 0 {
			return "", false
		}
		return rest[1 : 1+n], true
	case strings.HasPrefix(rest, "[["):
		n := wordRun(rest[2:])
		if n == 0 {
			return "", false
		}
		tail := rest[2+n:]
		if strings.HasPrefix(tail, ":") {
			tail = tail[1+wordRun(tail[1:]):]
		}
		if !strings.HasPrefix(tail, "]]") {
			return "", false
		}
		return rest[2 : 2+n], true
	}
	return "", false
}

// wordRun is the length of the leading run of [A-Za-z0-9_] in s.
func wordRun(s string) int {
	n := 0
	for n < len(s) && isWordChar(s[n]) {
		n++
	}
	return n
}

func (p *parser) skipSpace() {
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		if c < utf8.RuneSelf {
			if !isSpace(rune(c)) {
				return
			}
			p.pos++
			continue
		}
		r, size := utf8.DecodeRuneInString(p.text[p.pos:])
		if !isSpace(r) {
			return
		}
		p.pos += size
	}
}

// keywordAt returns the operator keyword (AND, OR, NOT) at p.pos, if the word
// there is exactly one, unescaped and followed by a space, parenthesis or the end.
func (p *parser) keywordAt() string {
	rest := p.text[p.pos:]
	for _, kw := range [...]string{"AND", "OR", "NOT"} {
		if strings.HasPrefix(rest, kw) {
			end := p.pos + len(kw)
			if end == len(p.text) || p.text[end] == '(' || p.text[end] == ')' {
				return kw
			}
			r, _ := utf8.DecodeRuneInString(p.text[end:])
			if isSpace(r) {
				return kw
			}
		}
	}
	return ""
}
