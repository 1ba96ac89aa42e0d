package query

import (
	"strconv"
	"unicode/utf8"
)

// SyntaxError says where a query text is malformed and why, in words a person
// understands; the editor underlines Offset and shows Error().
type SyntaxError struct {
	// Offset is the byte offset in the query text.
	Offset int
	// Column is the 1-based rune column, counted from the start of the text.
	Column int
	// Message describes the problem and, where possible, the fix.
	Message string
}

// Error reads like "expected a value after 'service:' at column 9".
func (e *SyntaxError) Error() string {
	return e.Message + " at column " + strconv.Itoa(e.Column)
}

func newSyntaxError(text string, offset int, msg string) *SyntaxError {
	if offset > len(text) {
		offset = len(text)
	}
	return &SyntaxError{Offset: offset, Column: utf8.RuneCountInString(text[:offset]) + 1, Message: msg}
}
