package search

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// phraseMatcher matches `field:"connection reset"` (and, with prefix,
// `"connection res"*`): the text is tokenized like the field's values and
// its tokens must appear adjacent and in order among a value's tokens (for
// raw and lowercase fields: the whole value). Values that are not strings
// (dynamic fields) compare by their text form.
type phraseMatcher struct {
	text   string
	tok    split.Tokenizer
	seq    tokenSeq
	prefix bool
}

func newPhraseMatcher(text string, prefix bool, tok string) *phraseMatcher {
	m := &phraseMatcher{text: text, tok: split.TokenizerOf(tok), prefix: prefix}
	m.seq = newTokenSeq(m.tok, text, prefix)
	return m
}

func (m *phraseMatcher) match(v *event.Value) bool {
	if v.Kind != event.KindString {
		s := v.Text()
		if m.prefix {
			return strings.HasPrefix(s, m.text)
		}
		return s == m.text
	}
	return m.seq.match(v.Str)
}

func (m *phraseMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	return textGranules(s, field, m.tok, m.seq.granules, func(event.Kind) (*roaring.Bitmap, error) {
		if m.prefix {
			return s.LookupPrefix(field, m.text)
		}
		return s.LookupTerm(field, m.text)
	})
}

func (m *phraseMatcher) mayMatchChunk(*column.ChunkMeta) bool { return true }

// textGranules unites, over the kinds field holds in s, the candidates of a
// text predicate: str looks string values up when the split indexed them
// with the predicate's tokenizer under the current rules (otherwise rows
// are checked), other looks up values indexed by their text. Floats and
// datetimes are not in the term index, so a field holding them cannot be
// narrowed.
func textGranules(s *split.Split, field string, tok split.Tokenizer, str func(*split.Split, string) (*roaring.Bitmap, error), other func(event.Kind) (*roaring.Bitmap, error)) (*roaring.Bitmap, error) {
	fm, ok := s.Meta.Fields[field]
	if !ok {
		return roaring.New(), nil
	}
	if !fm.Indexed {
		return nil, nil
	}
	out := roaring.New()
	for _, k := range fm.Kinds {
		var b *roaring.Bitmap
		var err error
		switch k {
		case event.KindNull:
			continue
		case event.KindString:
			if !s.TermsMatch(fm.Tokenizer, tok) {
				return nil, nil
			}
			b, err = str(s, field)
		case event.KindInt64, event.KindUint64, event.KindBool, event.KindIP:
			b, err = other(k)
		default:
			return nil, nil
		}
		if err != nil || b == nil {
			return nil, err
		}
		out.Or(b)
	}
	return out, nil
}
