package search

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// prefixMatcher matches `field:value*`. The prefix is tokenized like the
// field's values and matched as a phrase whose last token may continue,
// unless the prefix ends outside a token: `timeo*` matches the token
// timeout, `/api/v1/*` matches the tokens api v1 in a row. Raw and
// lowercase values must start with the prefix (lower-cased for lowercase);
// values that are not strings compare by their text form.
type prefixMatcher struct {
	prefix string
	tok    split.Tokenizer
	seq    tokenSeq
}

func newPrefixMatcher(prefix string, tok string) *prefixMatcher {
	m := &prefixMatcher{prefix: prefix, tok: split.TokenizerOf(tok)}
	m.seq = newTokenSeq(m.tok, prefix, m.tok.Whole() || endsInToken(m.tok, prefix))
	return m
}

func (m *prefixMatcher) match(v *event.Value) bool {
	if v.Kind != event.KindString {
		return strings.HasPrefix(v.Text(), m.prefix)
	}
	if m.seq.empty() && !m.tok.Whole() {
		return true // a prefix of separators only: any value
	}
	return m.seq.match(v.Str)
}

func (m *prefixMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, m.tok, func(s *split.Split, field string) (*roaring.Bitmap, error) {
		if m.seq.empty() && !m.tok.Whole() {
			return nil, nil
		}
		return m.seq.granules(s, field)
	}, func(event.Kind) (*roaring.Bitmap, error) {
		return s.LookupPrefix(field, m.prefix)
	})
}

func (m *prefixMatcher) mayMatchChunk(*column.ChunkMeta) bool { return true }
