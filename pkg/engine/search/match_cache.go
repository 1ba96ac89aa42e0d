package search

import (
	"fmt"
	"strings"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/triage-logs/triage/pkg/query"
)

// MatchCache keeps, for recently run filters, the rows each matched in a
// split block, as Lucene's query cache keeps a filter's documents per
// segment: a dashboard re-runs its queries every refresh over splits that
// never change, and a filter's rows in a block are a 1 KiB bitmap where
// finding them again means decoding and testing its columns. Entries are
// keyed by split id (a split's rows never change; a merge writes a new id)
// and never go stale; the least recently used go first.
type MatchCache struct {
	blocks       *lru.Cache[matchKey, Rows]
	hits, misses atomic.Uint64
}

// matchKey names one filter's rows in one block. The filter is its
// resolved form with the tokenizers it was compiled with (matchKeyOf).
type matchKey struct {
	split  string
	block  int
	filter string
}

// matchEntryBytes is what one entry holds: a bitmap of a block of
// split.DefaultBlockRows rows (8,192: 1 KiB), its key and the list's links.
const matchEntryBytes = 8192/8 + 256

// NewMatchCache holds up to maxBytes of block results; nil (no cache)
// when maxBytes is too small for one.
func NewMatchCache(maxBytes int64) *MatchCache {
	n := int(maxBytes / matchEntryBytes)
	if n < 1 {
		return nil
	}
	c, err := lru.New[matchKey, Rows](n)
	if err != nil {
		return nil // only for n < 1
	}
	return &MatchCache{blocks: c}
}

// get copies the cached rows of k into sel (sized for the block).
func (c *MatchCache) get(k matchKey, sel Rows) bool {
	rows, ok := c.blocks.Get(k)
	if !ok || len(rows) != len(sel) {
		c.misses.Add(1)
		return false
	}
	copy(sel, rows)
	c.hits.Add(1)
	return true
}

// put keeps a copy of sel, the filter's rows over the whole block.
func (c *MatchCache) put(k matchKey, sel Rows) {
	c.blocks.Add(k, append(Rows(nil), sel...))
}

// MatchCacheStats is what the cache did since the store opened.
type MatchCacheStats struct {
	Hits, Misses uint64
	Blocks       int // held now
}

// Stats reads the counters; a nil cache (turned off) has none.
func (c *MatchCache) Stats() MatchCacheStats {
	if c == nil {
		return MatchCacheStats{}
	}
	return MatchCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Blocks: c.blocks.Len()}
}

// matchKeyOf describes what a compiled filter's rows depend on besides the
// block: the resolved filter (fields, types and values, date math already
// resolved) and, per field, the tokenizer and array kind Compile reads
// from env. Two queries with the same key match the same rows of a block.
func matchKeyOf(f query.Filter, env Env) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%#v|ts=%s", f, env.TimestampField())
	seen := map[string]bool{}
	var walk func(query.Filter)
	field := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		elem, isArray := env.ArrayElem(name)
		fmt.Fprintf(&b, "|%q tok=%s array=%v/%v", name, env.Tokenizer(name), isArray, elem)
	}
	walk = func(f query.Filter) {
		switch v := f.(type) {
		case query.FilterAnd:
			for _, c := range v.Filters {
				walk(c)
			}
		case query.FilterOr:
			for _, c := range v.Filters {
				walk(c)
			}
		case query.FilterNot:
			walk(v.Filter)
		case query.FilterTerm:
			field(v.Field.Name)
		case query.FilterSet:
			field(v.Field.Name)
		case query.FilterPhrase:
			field(v.Field.Name)
		case query.FilterPrefix:
			field(v.Field.Name)
		case query.FilterRange:
			field(v.Field.Name)
		case query.FilterExists:
			field(v.Field.Name)
		}
	}
	walk(f)
	return b.String()
}
