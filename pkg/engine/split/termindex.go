package split

import (
	"context"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The term index is a bleve index with one document per granule (a fixed
// run of rows inside a block). A document holds, per indexed field, the
// distinct terms of the granule's values, with no positions, norms or stored
// fields. It answers "which granules may contain this term", and search
// then checks the rows of those granules exactly. Per-event documents were
// measured ~50× slower to build (notes/engine.md); see termindex_build.go
// for how granules are filled.

// termIndex is the read side of a split's term index.
type termIndex struct {
	idx      bleve.Index
	granules int
	blooms   []byte // the bloom file, checked against SplitMeta.BloomCRC
}

func openTermIndex(path string, granules int) (*termIndex, error) {
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, err
	}
	return &termIndex{idx: idx, granules: granules}, nil
}

func (t *termIndex) Close() error { return t.idx.Close() }

// search runs q and returns the granules of its hits. The files were
// checksummed at open; a panic inside bleve is still turned into an error so
// that one bad split cannot take the process down.
func (t *termIndex) search(q query.Query) (out *roaring.Bitmap, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: term index: %v", ErrCorrupt, r)
		}
	}()
	req := bleve.NewSearchRequestOptions(q, t.granules, 0, false)
	req.Score = "none"
	res, err := t.idx.SearchInContext(context.Background(), req)
	if err != nil {
		return nil, err
	}
	out = roaring.New()
	for _, h := range res.Hits {
		g, err := strconv.ParseUint(h.ID, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("granule id %q: %w", h.ID, err)
		}
		out.Add(uint32(g))
	}
	return out, nil
}

// termIndex opens the term index on first use.
func (s *Split) termIndex() (*termIndex, error) {
	s.termsOnce.Do(func() {
		dir := filepath.Join(s.path, SplitTermsDir)
		sums, err := checksumTree(dir)
		if err == nil && !maps.Equal(sums, s.Meta.TermFiles) {
			s.termsErr = fmt.Errorf("split %s: %w: term index files differ from their checksums", s.Meta.ID, ErrCorrupt)
			return
		}
		var blooms []byte
		if err == nil {
			blooms, err = os.ReadFile(filepath.Join(s.path, splitBloomFile))
		}
		if err == nil && crc32.Checksum(blooms, SplitCRCTable) != s.Meta.BloomCRC {
			s.termsErr = fmt.Errorf("split %s: %w: bloom filter checksum mismatch", s.Meta.ID, ErrCorrupt)
			return
		}
		var t *termIndex
		if err == nil {
			t, err = openTermIndex(dir, s.granuleCount())
		}
		if t != nil {
			t.blooms = blooms
		}
		if err != nil {
			s.termsErr = fmt.Errorf("split %s: open term index: %w: %v", s.Meta.ID, ErrCorrupt, err)
			return
		}
		s.terms = t
	})
	return s.terms, s.termsErr
}

// granuleCount is the number of term-index documents of the split.
func (s *Split) granuleCount() int {
	n := 0
	for _, b := range s.Meta.Blocks {
		n += (b.Rows + s.Meta.GranuleRows - 1) / s.Meta.GranuleRows
	}
	return n
}

// allGranules is the answer for a field the index cannot narrow down.
func (s *Split) allGranules() *roaring.Bitmap {
	out := roaring.New()
	out.AddRange(0, uint64(s.granuleCount()))
	return out
}

// indexed reports whether field's terms are in the term index.
func (s *Split) indexed(field string) (known, indexed bool) {
	fm, ok := s.Meta.Fields[field]
	return ok, ok && fm.Indexed
}

// LookupTerm returns the granules that may hold term in field. The term must
// already be tokenized as the field's tokenizer does (tokenize for default
// fields, the value itself for raw ones). A field the split lacks yields no
// granules; a field that is not indexed yields every granule.
func (s *Split) LookupTerm(field, term string) (*roaring.Bitmap, error) {
	return s.lookup(field, []string{term}, func() query.Query {
		q := query.NewTermQuery(term)
		q.SetField(field)
		return q
	})
}

// LookupPrefix returns the granules that may hold a term of field starting
// with prefix (endpoint:/api/v1/*). Granules whose field is in a bloom
// filter cannot be narrowed by prefix and are always returned.
func (s *Split) LookupPrefix(field, prefix string) (*roaring.Bitmap, error) {
	return s.lookup(field, nil, func() query.Query {
		q := query.NewPrefixQuery(prefix)
		q.SetField(field)
		return q
	})
}

// LookupAllTerms returns the granules that may hold every one of terms in
// field: the candidates of a phrase, whose order search checks on the rows.
func (s *Split) LookupAllTerms(field string, terms []string) (*roaring.Bitmap, error) {
	if len(terms) == 0 {
		return s.allGranules(), nil
	}
	return s.lookup(field, terms, func() query.Query {
		qs := make([]query.Query, len(terms))
		for i, term := range terms {
			q := query.NewTermQuery(term)
			q.SetField(field)
			qs[i] = q
		}
		return query.NewConjunctionQuery(qs)
	})
}

// lookup answers from bleve for the granules whose field terms are there,
// and from the bloom filters (all of terms must pass) for the others; nil
// terms means "cannot test a bloom filter" (prefixes).
func (s *Split) lookup(field string, terms []string, build func() query.Query) (*roaring.Bitmap, error) {
	known, indexed := s.indexed(field)
	if !known {
		return roaring.New(), nil
	}
	if !indexed {
		return s.allGranules(), nil
	}
	t, err := s.termIndex()
	if err != nil {
		return nil, err
	}
	out, err := t.search(build())
	if err != nil {
		return nil, fmt.Errorf("split %s: term lookup in field %q: %w", s.Meta.ID, field, err)
	}
	for g, ref := range s.Meta.Blooms[field] {
		if ref.Length == 0 {
			continue
		}
		if ref.Offset < 0 || ref.Offset+int64(ref.Length) > int64(len(t.blooms)) {
			return nil, fmt.Errorf("split %s: %w: bloom filter of field %q granule %d is out of range", s.Meta.ID, ErrCorrupt, field, g)
		}
		filter := t.blooms[ref.Offset : ref.Offset+int64(ref.Length)]
		match := true
		for _, term := range terms {
			ok, err := bloomMayContain(filter, term)
			if err != nil {
				return nil, fmt.Errorf("split %s: %w: field %q granule %d: %v", s.Meta.ID, ErrCorrupt, field, g, err)
			}
			if !ok {
				match = false
				break
			}
		}
		if match {
			out.Add(uint32(g))
		}
	}
	return out, nil
}

// GranuleBlocks maps granules to the blocks that hold them, for a search
// that decodes whole blocks.
func (s *Split) GranuleBlocks(granules *roaring.Bitmap) *roaring.Bitmap {
	out := roaring.New()
	it := granules.Iterator()
	first, block := 0, 0
	for it.HasNext() {
		g := int(it.Next())
		for block < len(s.Meta.Blocks) {
			n := (s.Meta.Blocks[block].Rows + s.Meta.GranuleRows - 1) / s.Meta.GranuleRows
			if g < first+n {
				break
			}
			first += n
			block++
		}
		if block == len(s.Meta.Blocks) {
			break
		}
		out.Add(uint32(block))
	}
	return out
}
