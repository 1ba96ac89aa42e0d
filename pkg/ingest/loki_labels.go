package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// Label is one name/value pair of a Loki stream selector or of an entry's
// structured metadata.
type Label struct {
	Name, Value string
}

// ParseLokiLabels parses a stream's label string such as
// `{app="x", env="y"}` (Prometheus text syntax, Go-style escapes).
func ParseLokiLabels(s string) ([]Label, error) {
	in := strings.TrimSpace(s)
	if !strings.HasPrefix(in, "{") || !strings.HasSuffix(in, "}") {
		return nil, fmt.Errorf("labels %q: want {name=\"value\", ...}", s)
	}
	in = in[1 : len(in)-1]
	var out []Label
	for {
		in = strings.TrimLeft(in, " \t")
		if in == "" {
			return out, nil
		}
		n := 0
		for n < len(in) && isLabelNameByte(in[n], n == 0) {
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("labels %q: expected a label name at %q", s, in)
		}
		name := in[:n]
		in = strings.TrimLeft(in[n:], " \t")
		if !strings.HasPrefix(in, "=") {
			return nil, fmt.Errorf("labels %q: expected = after label %s", s, name)
		}
		in = strings.TrimLeft(in[1:], " \t")
		if !strings.HasPrefix(in, `"`) {
			return nil, fmt.Errorf("labels %q: the value of label %s must be double-quoted", s, name)
		}
		end := 1
		for end < len(in) && in[end] != '"' {
			if in[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(in) {
			return nil, fmt.Errorf("labels %q: unterminated value of label %s", s, name)
		}
		value, err := strconv.Unquote(in[:end+1])
		if err != nil {
			return nil, fmt.Errorf("labels %q: bad escape in the value of label %s: %w", s, name, err)
		}
		out = append(out, Label{Name: name, Value: value})
		in = strings.TrimLeft(in[end+1:], " \t")
		if in == "" {
			return out, nil
		}
		if in[0] != ',' {
			return nil, fmt.Errorf("labels %q: expected , or } after label %s", s, name)
		}
		in = in[1:]
	}
}

func isLabelNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}
