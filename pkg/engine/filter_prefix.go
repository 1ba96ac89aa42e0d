package engine

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// prefixMatcher matches `field:value*`. Raw values (and values that are
// not strings) must start with the prefix. On default-tokenized text the
// prefix is tokenized like a phrase whose last word may continue, unless
// the prefix ends in a separator: `timeo*` matches the token timeout,
// `/api/v1/*` matches the tokens api v1 in a row.
type prefixMatcher struct {
	prefix string
	raw    bool
	seq    tokenSeq
}

func newPrefixMatcher(prefix string, tok string) *prefixMatcher {
	m := &prefixMatcher{prefix: prefix, raw: tok == TokenizerRaw}
	if !m.raw {
		m.seq = newTokenSeq(tokenize(prefix), endsInWord(prefix))
	}
	return m
}

func (m *prefixMatcher) match(v *Value) bool {
	if v.Kind != KindString || m.raw {
		return strings.HasPrefix(v.Text(), m.prefix)
	}
	if len(m.seq.toks) == 0 {
		return true // a prefix of separators only: any value
	}
	return m.seq.match(v.Str)
}

func (m *prefixMatcher) granules(s *Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, func(tok string) (*roaring.Bitmap, error) {
		if (tok == TokenizerRaw) != m.raw {
			return nil, nil // indexed and matched differently: no narrowing
		}
		if m.raw {
			return s.LookupPrefix(field, m.prefix)
		}
		return m.seq.granules(s, field)
	}, func(Kind) (*roaring.Bitmap, error) {
		return s.LookupPrefix(field, m.prefix)
	})
}

func (m *prefixMatcher) mayMatchChunk(*ChunkMeta) bool { return true }
