package split

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// termIndexBatch is how many granule documents go to bleve per batch; each
// batch becomes a segment, so fewer batches mean fewer merges.
const termIndexBatch = 1024

// termIndexBuilder writes a split's term index, one document per granule,
// and the bloom filters of its high-cardinality granule fields.
type termIndexBuilder struct {
	idx    bleve.Index
	batch  *bleve.Batch
	next   int
	blooms []byte
	refs   map[string][]BloomRef
	// noBlooms keeps every term in bleve (measurement only).
	noBlooms bool
}

// termList is an analyzer that ignores its input and yields the terms it
// holds: the granule's terms are already tokenized and deduplicated, so bleve
// gets them as one field instance instead of one field per term.
type termList []string

func (l termList) Analyze([]byte) analysis.TokenStream {
	ts := make([]analysis.Token, len(l))
	out := make(analysis.TokenStream, len(l))
	for i, t := range l {
		ts[i] = analysis.Token{Term: []byte(t), Position: i + 1, Type: analysis.AlphaNumeric}
		out[i] = &ts[i]
	}
	return out
}

func newTermIndexBuilder(path string) (*termIndexBuilder, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	m.DefaultMapping.Dynamic = false
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create term index: %w", err)
	}
	return &termIndexBuilder{idx: idx, batch: idx.NewBatch(), refs: map[string][]BloomRef{}}, nil
}

// add indexes the next granule of rows rows: field name → its distinct terms.
func (b *termIndexBuilder) add(terms map[string]map[string]struct{}, rows int) error {
	g := b.next
	doc := document.NewDocument(strconv.Itoa(g))
	b.next++
	names := make([]string, 0, len(terms))
	for name, set := range terms {
		if len(set) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		set := terms[name]
		if !b.noBlooms && useBloom(len(set), rows) {
			refs := b.refs[name]
			for len(refs) <= g {
				refs = append(refs, BloomRef{})
			}
			start := len(b.blooms)
			b.blooms = appendBloom(b.blooms, set)
			refs[g] = BloomRef{Offset: int64(start), Length: len(b.blooms) - start}
			b.refs[name] = refs
			continue
		}
		list := make(termList, 0, len(set))
		for term := range set {
			list = append(list, term)
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, nil, index.IndexField|index.SkipFreqNorm, list))
	}
	if err := b.batch.IndexAdvanced(doc); err != nil {
		return fmt.Errorf("term index granule %d: %w", b.next-1, err)
	}
	if b.batch.Size() >= termIndexBatch {
		return b.flush()
	}
	return nil
}

func (b *termIndexBuilder) flush() error {
	if b.batch.Size() == 0 {
		return nil
	}
	if err := b.idx.Batch(b.batch); err != nil {
		return fmt.Errorf("write term index: %w", err)
	}
	b.batch.Reset()
	return nil
}

// Close flushes the last batch and closes the index; bleve persists every
// batch before Batch returns, so the files are complete afterwards.
func (b *termIndexBuilder) Close() error {
	err := b.flush()
	if cerr := b.idx.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close term index: %w", cerr)
	}
	return err
}
