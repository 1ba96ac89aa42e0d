package ingest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

type lokiJSONPush struct {
	Streams []struct {
		Stream map[string]string   `json:"stream"`
		Values [][]json.RawMessage `json:"values"`
	} `json:"streams"`
}

// ParseLokiJSON decodes a Loki push body in JSON form
// ({"streams":[{"stream":{...},"values":[["<ns>","<line>",{meta}]]}]})
// into documents. Any malformed entry rejects the whole body, as Loki does.
func ParseLokiJSON(body []byte) ([][]byte, error) {
	var req lokiJSONPush
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("loki push JSON: %w; expected {\"streams\":[{\"stream\":{...},\"values\":[[\"<unix ns>\",\"<line>\"]]}]}", err)
	}
	var docs [][]byte
	for si, s := range req.Streams {
		labels := make([]Label, 0, len(s.Stream))
		for k, v := range s.Stream {
			labels = append(labels, Label{Name: k, Value: v})
		}
		slices.SortFunc(labels, func(a, b Label) int { return strings.Compare(a.Name, b.Name) })
		for vi, v := range s.Values {
			where := fmt.Sprintf("streams[%d].values[%d]", si, vi)
			if len(v) != 2 && len(v) != 3 {
				return nil, fmt.Errorf("loki push JSON: %s has %d elements; want [\"<unix ns>\", \"<line>\"] with optional structured metadata", where, len(v))
			}
			var tsText, line string
			if err := json.Unmarshal(v[0], &tsText); err != nil {
				return nil, fmt.Errorf("loki push JSON: %s timestamp must be a string of Unix nanoseconds: %w", where, err)
			}
			ts, err := strconv.ParseInt(tsText, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("loki push JSON: %s timestamp %q is not Unix nanoseconds", where, tsText)
			}
			if err := json.Unmarshal(v[1], &line); err != nil {
				return nil, fmt.Errorf("loki push JSON: %s line must be a string: %w", where, err)
			}
			var meta []Label
			if len(v) == 3 {
				var m map[string]string
				if err := json.Unmarshal(v[2], &m); err != nil {
					return nil, fmt.Errorf("loki push JSON: %s structured metadata must be an object of strings: %w", where, err)
				}
				for k, val := range m {
					meta = append(meta, Label{Name: k, Value: val})
				}
				slices.SortFunc(meta, func(a, b Label) int { return strings.Compare(a.Name, b.Name) })
			}
			docs = append(docs, lokiDoc(nil, ts, line, labels, meta))
		}
	}
	return docs, nil
}
