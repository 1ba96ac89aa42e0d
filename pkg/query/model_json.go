package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// object reads one JSON object key by key, so every error names the key
// (with its path, as in metrics[1].percent) and what it must hold.
type object struct {
	path string
	keys map[string]json.RawMessage
}

func readObject(path string, data []byte) (*object, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil || keys == nil {
		what := "the query"
		if path != "" {
			what = path
		}
		return nil, fmt.Errorf("%s must be a JSON object; got %s", what, shown(data))
	}
	return &object{path: path, keys: keys}, nil
}

// name is the key's full path for messages.
func (o *object) name(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// checkKeys fails on the first key (in sorted order) not in allowed.
func (o *object) checkKeys(allowed []string) error {
	var unknown []string
	for k := range o.keys {
		found := false
		for _, a := range allowed {
			if k == a {
				found = true
				break
			}
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	msg := fmt.Sprintf("unknown key '%s' in %s", o.name(unknown[0]), o.describe())
	if s := suggest(unknown[0], allowed); s != "" {
		msg += fmt.Sprintf("; did you mean '%s'?", s)
	}
	return fmt.Errorf("%s", msg)
}

func (o *object) describe() string {
	if o.path == "" {
		return "the query"
	}
	return o.path
}

// raw returns the key's JSON, treating null as absent.
func (o *object) raw(key string) (json.RawMessage, bool) {
	r, ok := o.keys[key]
	if !ok || bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
		return nil, false
	}
	return r, true
}

func (o *object) str(key string) (string, bool, error) {
	r, ok := o.raw(key)
	if !ok {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", true, fmt.Errorf("%s must be a string; got %s", o.name(key), shown(r))
	}
	return s, true, nil
}

func (o *object) boolean(key string) (bool, bool, error) {
	r, ok := o.raw(key)
	if !ok {
		return false, false, nil
	}
	var b bool
	if err := json.Unmarshal(r, &b); err != nil {
		return false, true, fmt.Errorf("%s must be true or false; got %s", o.name(key), shown(r))
	}
	return b, true, nil
}

func (o *object) number(key string) (float64, bool, error) {
	r, ok := o.raw(key)
	if !ok {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(r, &f); err != nil {
		return 0, true, fmt.Errorf("%s must be a number; got %s", o.name(key), shown(r))
	}
	return f, true, nil
}

// integer reads a whole number; 100.0 is accepted, 100.5 and "100" are not.
func (o *object) integer(key string) (int64, bool, error) {
	f, ok, err := o.number(key)
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("%s must be a whole number; got %s", o.name(key), shown(o.keys[key]))
		}
		return 0, ok, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, true, fmt.Errorf("%s must be a whole number; got %s", o.name(key), shown(o.keys[key]))
	}
	return int64(f), true, nil
}

func (o *object) array(key string) ([]json.RawMessage, bool, error) {
	r, ok := o.raw(key)
	if !ok {
		return nil, false, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(r, &items); err != nil {
		return nil, true, fmt.Errorf("%s must be a list; got %s", o.name(key), shown(r))
	}
	return items, true, nil
}

// oneOf reads a string key that must be one of allowed (after aliases).
func (o *object) oneOf(key string, allowed []string, aliases map[string]string) (string, bool, error) {
	s, ok, err := o.str(key)
	if err != nil || !ok {
		return s, ok, err
	}
	if a, found := aliases[s]; found {
		s = a
	}
	for _, a := range allowed {
		if s == a {
			return s, true, nil
		}
	}
	return "", true, fmt.Errorf("%s must be one of %s; got '%s'", o.name(key), strings.Join(allowed, ", "), s)
}

// shown quotes raw JSON for a message, shortened to stay readable.
func shown(r []byte) string {
	s := strings.TrimSpace(string(r))
	if len(s) > 40 {
		n := 37
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	if s == "" {
		return "nothing"
	}
	return s
}
