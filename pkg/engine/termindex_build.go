package engine

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// termIndexBatch is how many granule documents go to bleve per batch; each
// batch becomes a segment, so fewer batches mean fewer merges.
const termIndexBatch = 1024

// termIndexBuilder writes a split's term index, one document per granule.
type termIndexBuilder struct {
	idx      bleve.Index
	batch    *bleve.Batch
	next     int
	analyzer analysis.Analyzer
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
	return &termIndexBuilder{
		idx:      idx,
		batch:    idx.NewBatch(),
		analyzer: &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()},
	}, nil
}

// add indexes the next granule: field name → its distinct terms.
func (b *termIndexBuilder) add(terms map[string]map[string]struct{}) error {
	doc := document.NewDocument(strconv.Itoa(b.next))
	b.next++
	names := make([]string, 0, len(terms))
	for name, set := range terms {
		if len(set) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for term := range terms[name] {
			doc.AddField(document.NewTextFieldCustom(name, nil, []byte(term), index.IndexField, b.analyzer))
		}
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

// close flushes the last batch and closes the index; bleve persists every
// batch before Batch returns, so the files are complete afterwards.
func (b *termIndexBuilder) close() error {
	err := b.flush()
	if cerr := b.idx.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close term index: %w", cerr)
	}
	return err
}
