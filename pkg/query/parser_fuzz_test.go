package query

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that every error is a
// *SyntaxError pointing inside the text, and that a parsed query survives the
// printer: Parse(Print(n)) deep-equals n.
func FuzzParse(f *testing.F) {
	for _, c := range loadConformance(f) {
		f.Add(c.query)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, err := Parse(text)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", text, err)
			}
			if se.Offset < 0 || se.Offset > len(text) || se.Column != utf8.RuneCountInString(text[:se.Offset])+1 {
				t.Fatalf("Parse(%q) error position offset %d column %d is inconsistent", text, se.Offset, se.Column)
			}
			return
		}
		printed := Print(n)
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, printed as %q, which fails: %v", text, dump(n), printed, err)
		}
		if !reflect.DeepEqual(again, n) {
			t.Fatalf("Parse(%q) = %s, printed as %q, parsed back as %s", text, dump(n), printed, dump(again))
		}
	})
}
