package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// jsonObject is one JSON object of an Elasticsearch request, read key by
// key so that a key nobody took is reported by name (Elasticsearch answers
// 400 for unknown keys, and so does Triage, rather than ignoring a setting
// the user believes applies).
type jsonObject struct {
	where string
	keys  map[string]json.RawMessage
}

// requestError is a request that cannot run as sent (HTTP 400); typ is the
// Elasticsearch exception type reported with it.
type requestError struct {
	typ, msg string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{typ: "parsing_exception", msg: fmt.Sprintf(format, args...)}
}

func illegalArgument(format string, args ...any) error {
	return &requestError{typ: "illegal_argument_exception", msg: fmt.Sprintf(format, args...)}
}

// objectAt decodes raw as a JSON object; where names it in errors
// ("query.bool", "aggs.2.terms").
func objectAt(raw json.RawMessage, where string) (*jsonObject, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, badRequest("[%s] must be a JSON object, got %s", where, preview(raw))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, badRequest("[%s] is not valid JSON: %v", where, err)
	}
	return &jsonObject{where: where, keys: keys}, nil
}

func preview(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	if len(raw) == 0 {
		return "nothing"
	}
	return string(raw)
}

// has reports whether key is present (and not null).
func (o *jsonObject) has(key string) bool {
	v, ok := o.keys[key]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// take removes key and decodes it into dst; absent keys leave dst alone.
func (o *jsonObject) take(key string, dst any) error {
	raw, ok := o.keys[key]
	if !ok {
		return nil
	}
	delete(o.keys, key)
	if err := json.Unmarshal(raw, dst); err != nil {
		return badRequest("[%s.%s]: %v", o.where, key, err)
	}
	return nil
}

// raw removes and returns key's value (nil when absent).
func (o *jsonObject) raw(key string) json.RawMessage {
	v := o.keys[key]
	delete(o.keys, key)
	return v
}

// ignore drops keys that only tune relevance scoring or presentation,
// which a log store without scores has no use for.
func (o *jsonObject) ignore(keys ...string) {
	for _, k := range keys {
		delete(o.keys, k)
	}
}

// done fails when keys remain that no reader took, naming them.
func (o *jsonObject) done() error {
	if len(o.keys) == 0 {
		return nil
	}
	names := make([]string, 0, len(o.keys))
	for k := range o.keys {
		names = append(names, k)
	}
	sort.Strings(names)
	return badRequest("[%s] does not support [%s]; remove it (Triage serves the subset of Elasticsearch that Quickwit documents)",
		o.where, strings.Join(names, ", "))
}

// single returns the only key of an object like {"term": {...}}.
func (o *jsonObject) single() (string, json.RawMessage, error) {
	if len(o.keys) != 1 {
		names := make([]string, 0, len(o.keys))
		for k := range o.keys {
			names = append(names, k)
		}
		sort.Strings(names)
		return "", nil, badRequest("[%s] must hold exactly one key, found [%s]", o.where, strings.Join(names, ", "))
	}
	for k, v := range o.keys {
		return k, v, nil
	}
	return "", nil, nil
}

// scalarText renders a JSON scalar (string, number, bool) as query text.
func scalarText(raw json.RawMessage, where string) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", badRequest("[%s] needs a value", where)
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", badRequest("[%s]: %v", where, err)
		}
		return s, nil
	case '{', '[':
		return "", badRequest("[%s] must be a string, number or boolean, got %s", where, preview(raw))
	case 'n':
		return "", badRequest("[%s] must not be null", where)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", badRequest("[%s]: %v", where, err)
	}
	return string(raw), nil
}

// flexInt reads an integer given as a number or a numeric string, as
// Grafana's datasources send sizes and min_doc_count.
func flexInt(raw json.RawMessage, where string) (int, error) {
	f, err := flexFloat(raw, where)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, badRequest("[%s] must be a whole number, got %s", where, preview(raw))
	}
	return int(f), nil
}

// flexFloat reads a number given as a number or a numeric string.
func flexFloat(raw json.RawMessage, where string) (float64, error) {
	s, err := scalarText(raw, where)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badRequest("[%s] must be a number, got %s", where, preview(raw))
	}
	return f, nil
}

// oneOrMany reads a value that Elasticsearch accepts as one item or an
// array of items (bool clauses, sort, percents).
func oneOrMany(raw json.RawMessage) []json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			return list
		}
	}
	if len(raw) == 0 {
		return nil
	}
	return []json.RawMessage{raw}
}
