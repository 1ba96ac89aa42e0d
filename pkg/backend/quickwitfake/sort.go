package quickwitfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sortKey is one sort criterion of an Elasticsearch search.
type sortKey struct {
	field string
	doc   bool // _shard_doc (or _doc): the document's address
	desc  bool
	ts    bool // the index's timestamp field
	nanos bool // format epoch_nanos_int (default: milliseconds)
}

// docAddr is a document's address, "{split_id}:{segment}:{doc}".
type docAddr struct{ split, pos int }

// parseSort reads the documented sort forms: "field", {"field": "desc"}
// and {"field": {"order": …, "format": "epoch_nanos_int"}}; up to two
// fields besides _shard_doc, which ends the list.
func (s *Server) parseSort(ix *index, raw json.RawMessage) ([]sortKey, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, bad("sort must be a list: %v", err)
	}
	var keys []sortKey
	for _, it := range items {
		var k sortKey
		var name string
		if json.Unmarshal(it, &name) == nil {
			k.field = name
		} else {
			field, spec, err := one(it, "sort criterion")
			if err != nil {
				return nil, err
			}
			k.field = field
			var order string
			if json.Unmarshal(spec, &order) != nil {
				var v struct {
					Order  string `json:"order"`
					Format string `json:"format"`
				}
				if err := strict(spec, &v); err != nil {
					return nil, err
				}
				order = v.Order
				switch v.Format {
				case "":
				case "epoch_nanos_int":
					k.nanos = true
				default:
					return nil, bad("unknown sort format `%s`, expected epoch_nanos_int", v.Format)
				}
			}
			switch order {
			case "", "asc":
			case "desc":
				k.desc = true
			default:
				return nil, bad("unknown sort order `%s`", order)
			}
		}
		switch {
		case k.field == "_shard_doc" || k.field == "_doc":
			k.doc = true
		case k.field == "_score":
			return nil, bad("fake limitation: sorting by _score is not implemented")
		default:
			f, ok := ix.fieldOf(k.field)
			if !ok || !f.fast {
				return nil, bad("sort by field `%s`: it must be a fast field", k.field)
			}
			k.ts = k.field == ix.cfg.DocMapping.TimestampField
		}
		keys = append(keys, k)
		if k.doc {
			break
		}
	}
	if n := len(keys); n >= 3 {
		return nil, bad("only up to two sort fields supported at the moment. got %d", n)
	}
	return keys, nil
}

func (k sortKey) value(d *doc) any {
	switch {
	case k.doc:
		return docAddr{d.split, d.pos}
	case k.ts:
		return d.ts
	}
	if vals := d.values[k.field]; len(vals) > 0 {
		return vals[0]
	}
	return nil
}

// compare orders two values in the key's direction; missing values last.
func (k sortKey) compare(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	var c int
	switch x := a.(type) {
	case int64:
		c = cmp.Compare(x, b.(int64))
	case float64:
		y, _ := b.(float64)
		c = cmp.Compare(x, y)
	case string:
		y, _ := b.(string)
		c = strings.Compare(x, y)
	case bool:
		y, _ := b.(bool)
		c = cmp.Compare(boolInt(x), boolInt(y))
	case docAddr:
		y := b.(docAddr)
		if c = cmp.Compare(x.split, y.split); c == 0 {
			c = cmp.Compare(x.pos, y.pos)
		}
	}
	if k.desc {
		return -c
	}
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (k sortKey) render(d *doc) any {
	switch v := k.value(d).(type) {
	case docAddr:
		return fmt.Sprintf("%s:0:%d", splitID(v.split), v.pos)
	case int64:
		if k.nanos {
			return v
		}
		return v / int64(time.Millisecond)
	default:
		return v
	}
}

func (k sortKey) checkAfter(v any) error {
	if k.doc {
		if _, ok := v.(string); !ok {
			return bad("search_after doc id must be of string type")
		}
		if _, err := parseAddr(v.(string)); err != nil {
			return err
		}
		return nil
	}
	switch v.(type) {
	case json.Number, string, bool:
		return nil
	}
	return bad("invalid search_after field value, expect bool, number or string")
}

// parse reads a search_after value into the key's value space.
func (k sortKey) parse(v any) any {
	switch {
	case k.doc:
		a, _ := parseAddr(v.(string))
		return a
	case k.ts:
		n, _ := v.(json.Number)
		i, _ := strconv.ParseInt(n.String(), 10, 64)
		if !k.nanos {
			i *= int64(time.Millisecond)
		}
		return i
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return v
}

func parseAddr(s string) (docAddr, error) {
	parts := strings.Split(s, ":")
	if len(parts) == 3 {
		split, err1 := strconv.Atoi(strings.TrimPrefix(parts[0], "01HFAKESPLIT"))
		pos, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && strings.HasPrefix(parts[0], "01HFAKESPLIT") {
			return docAddr{split, pos}, nil
		}
	}
	return docAddr{}, bad("invalid search_after doc id, must be of form `{split_id}:{segment_id: u32}:{doc_id: u32}`")
}
