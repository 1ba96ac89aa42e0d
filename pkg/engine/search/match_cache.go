package search

import (
	"fmt"
	"strings"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/triage-logs/triage/pkg/engine/event"
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

// compileKeyed compiles f and returns with it its key in the match cache:
// the resolved filter (fields, types and values, date math resolved) and
// every answer Compile read from env (tokenizers, array kinds, the
// timestamp field), recorded as Compile asks for them, so the key names
// exactly what the compiled filter's rows depend on besides the block.
func compileKeyed(f query.Filter, env Env) (Filter, string, error) {
	rec := &recordingEnv{env: env}
	fmt.Fprintf(&rec.log, "%#v", f)
	c, err := Compile(f, rec)
	return c, rec.log.String(), err
}

// recordingEnv passes Compile's questions to env and writes down each
// answer.
type recordingEnv struct {
	env Env
	log strings.Builder
}

func (r *recordingEnv) Tokenizer(field string) string {
	t := r.env.Tokenizer(field)
	fmt.Fprintf(&r.log, "|tok %q=%s", field, t)
	return t
}

func (r *recordingEnv) TimestampField() string {
	ts := r.env.TimestampField()
	fmt.Fprintf(&r.log, "|ts=%q", ts)
	return ts
}

func (r *recordingEnv) ArrayElem(field string) (event.Kind, bool) {
	k, ok := r.env.ArrayElem(field)
	fmt.Fprintf(&r.log, "|array %q=%v/%v", field, ok, k)
	return k, ok
}
