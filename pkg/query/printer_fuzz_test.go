package query

import (
	"reflect"
	"testing"
)

// treeReader builds an arbitrary AST from fuzz bytes, the way the editor's
// filter toggles and log context build trees without going through Parse.
type treeReader struct {
	data []byte
}

func (r *treeReader) byte() byte {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

// text takes a length byte and that many bytes (possibly invalid UTF-8).
func (r *treeReader) text() string {
	n := int(r.byte() % 8)
	n = min(n, len(r.data))
	s := string(r.data[:n])
	r.data = r.data[n:]
	return s
}

// field returns a non-empty field name.
func (r *treeReader) field() string {
	if s := r.text(); s != "" {
		return s
	}
	return "f"
}

func (r *treeReader) node(depth int) Node {
	kind := r.byte() % 12
	if depth > 6 && kind < 3 {
		kind += 3
	}
	switch kind {
	case 0, 1:
		var clauses []Node
		for range int(r.byte() % 4) {
			clauses = append(clauses, r.node(depth+1))
		}
		if kind == 0 {
			return And{Clauses: clauses}
		}
		return Or{Clauses: clauses}
	case 2:
		return Not{Clause: r.node(depth + 1)}
	case 3:
		return MatchAll{}
	case 4:
		return Term{Value: r.text()}
	case 5:
		return Term{Field: r.field(), Value: r.text()}
	case 6:
		return Phrase{Field: r.text(), Text: r.text(), Prefix: r.byte()%2 == 0}
	case 7:
		return Prefix{Field: r.text(), Value: r.text()}
	case 8:
		var values []string
		for range int(r.byte() % 4) {
			values = append(values, r.text())
		}
		return Set{Field: r.field(), Values: values}
	case 9, 10:
		flags := r.byte()
		return Range{Field: r.field(),
			Lower: Bound{Value: r.text(), Inclusive: flags&1 != 0, Unbounded: flags&2 != 0},
			Upper: Bound{Value: r.text(), Inclusive: flags&4 != 0, Unbounded: flags&8 != 0}}
	}
	return Exists{Field: r.field()}
}

// FuzzPrintTree checks Parse(Print(n)) == Normalize(n) for built trees.
func FuzzPrintTree(f *testing.F) {
	f.Add([]byte("\x00\x03\x05\x03svc\x03pay\x02\x04\x02AND\x09\x03\x01n\x01" + "5\x00"))
	f.Add([]byte("\x01\x02\x06\x00\x04a\"b\\\x00\x08\x03\x01s\x02 ]\x02$x\x01["))
	f.Add([]byte("\x07\x02-f\x03<=x\x0a\x0f\x01t\x06now+1h\x03=:)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &treeReader{data: data}
		n := r.node(0)
		text := Print(n)
		got, err := Parse(text)
		if err != nil {
			t.Fatalf("Print(%#v) = %q, which does not parse: %v", n, text, err)
		}
		if want := Normalize(n); !reflect.DeepEqual(got, want) {
			t.Fatalf("Print(%#v) = %q, parsed back as %s, want %s", n, text, dump(got), dump(want))
		}
	})
}
