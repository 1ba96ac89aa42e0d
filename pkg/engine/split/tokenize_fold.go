package split

import (
	"strings"
	"unicode/utf8"
)

// Case-insensitive matching of raw text against lower-cased query tokens,
// by the same lower-casing rules the tokenizers index with.

// LowerMatches reports whether lower(raw) equals q (or starts with it, with
// prefix), without building lower(raw).
func LowerMatches(raw, q string, prefix bool) bool {
	if IsASCII(raw) {
		if len(raw) < len(q) || !prefix && len(raw) != len(q) {
			return false
		}
		return EqualFoldASCII(raw[:len(q)], q)
	}
	var buf [8]byte
	k := 0
	for i := 0; i < len(raw); {
		if prefix && k == len(q) {
			return true
		}
		r, n := utf8.DecodeRuneInString(raw[i:])
		i += n
		lo := appendLowerRune(buf[:0], r)
		if k+len(lo) > len(q) {
			return prefix && strings.HasPrefix(string(lo), q[k:])
		}
		if string(lo) != q[k:k+len(lo)] {
			return false
		}
		k += len(lo)
	}
	return k == len(q)
}

func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// EqualFoldASCII compares s with the lower-case sub, ignoring ASCII case in s.
func EqualFoldASCII(s, sub string) bool {
	for i := 0; i < len(sub); i++ {
		if lowerASCII(s[i]) != sub[i] {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
