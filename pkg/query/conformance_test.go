package query

import (
	"bufio"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// conformanceCase is one line of testdata/conformance.txt:
//
//	query => dump of the expected AST
//	query => !COLUMN expected message (without " at column N")
type conformanceCase struct {
	line   int
	query  string
	expect string
}

func loadConformance(t testing.TB) []conformanceCase {
	t.Helper()
	f, err := os.Open("testdata/conformance.txt")
	if err != nil {
		t.Fatalf("open conformance table: %v", err)
	}
	defer f.Close()
	var cases []conformanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndex(line, " => ")
		if i < 0 {
			t.Fatalf("conformance.txt:%d: no ' => ' separator", n)
		}
		cases = append(cases, conformanceCase{line: n, query: line[:i], expect: line[i+4:]})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read conformance table: %v", err)
	}
	return cases
}

func TestConformance(t *testing.T) {
	cases := loadConformance(t)
	if len(cases) < 150 {
		t.Errorf("conformance table has %d cases; the issue asks for at least 150", len(cases))
	}
	for _, c := range cases {
		node, err := Parse(c.query)
		if strings.HasPrefix(c.expect, "!") {
			col, msg, _ := strings.Cut(c.expect[1:], " ")
			wantCol, convErr := strconv.Atoi(col)
			if convErr != nil {
				t.Fatalf("conformance.txt:%d: bad column %q", c.line, col)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("conformance.txt:%d: Parse(%q) = %s, want a syntax error at column %d", c.line, c.query, dumpOrNil(node), wantCol)
				continue
			}
			if se.Column != wantCol || se.Message != msg {
				t.Errorf("conformance.txt:%d: Parse(%q) error = column %d %q, want column %d %q", c.line, c.query, se.Column, se.Message, wantCol, msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("conformance.txt:%d: Parse(%q) failed: %v", c.line, c.query, err)
			continue
		}
		if got := dump(node); got != c.expect {
			t.Errorf("conformance.txt:%d: Parse(%q)\n got %s\nwant %s", c.line, c.query, got, c.expect)
			continue
		}
		printed := Print(node)
		again, err := Parse(printed)
		if err != nil {
			t.Errorf("conformance.txt:%d: Print gave %q, which does not parse: %v", c.line, printed, err)
			continue
		}
		if !reflect.DeepEqual(again, node) {
			t.Errorf("conformance.txt:%d: round trip through %q gave %s, want %s", c.line, printed, dump(again), dump(node))
		}
	}
}

func dumpOrNil(n Node) string {
	if n == nil {
		return "nil"
	}
	return dump(n)
}
