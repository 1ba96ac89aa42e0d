package server

import (
	"fmt"
	"slices"
	"strings"
)

// matchIndexPatterns resolves index patterns as Quickwit documents them
// for index_id_patterns and its _elastic API: a comma-separated list of
// index ids where '*' matches any run of characters, `_all` (or `*`) every
// index, and a leading '-' excludes what the pattern matches. Concrete ids
// (no '*') that do not exist are returned in missing.
func matchIndexPatterns(all []string, patterns string) (matched, missing []string, err error) {
	seen := map[string]bool{}
	for _, p := range strings.Split(patterns, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		exclude := strings.HasPrefix(p, "-") && len(matched) > 0
		if exclude {
			p = p[1:]
		}
		if p == "_all" {
			p = "*"
		}
		if err := checkIndexPattern(p); err != nil {
			return nil, nil, err
		}
		found := false
		for _, id := range all {
			if !globMatch(p, id) {
				continue
			}
			found = true
			if exclude {
				seen[id] = false
			} else if !seen[id] {
				seen[id] = true
				matched = append(matched, id)
			}
		}
		if !found && !exclude && !strings.Contains(p, "*") {
			missing = append(missing, p)
		}
	}
	out := matched[:0]
	for _, id := range matched {
		if seen[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, missing, nil
}

// checkIndexPattern accepts the characters of index ids and '*'.
func checkIndexPattern(p string) error {
	for _, c := range p {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-', c == '*':
		default:
			return fmt.Errorf("index pattern %q: use index id characters (letters, digits, '.', '_', '-') and '*'", p)
		}
	}
	return nil
}

// globMatch reports whether id matches pattern, where '*' matches any run
// of characters (iterative, so hostile patterns cost linear time per star).
func globMatch(pattern, id string) bool {
	px, ix := 0, 0
	starPx, starIx := -1, 0
	for ix < len(id) {
		switch {
		case px < len(pattern) && pattern[px] == '*':
			starPx, starIx = px, ix
			px++
		case px < len(pattern) && pattern[px] == id[ix]:
			px++
			ix++
		case starPx >= 0:
			starIx++
			px, ix = starPx+1, starIx
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
