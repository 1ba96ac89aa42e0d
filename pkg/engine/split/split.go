package split

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// ErrCorrupt marks a split whose metadata, column chunk or term index
// failed its checksum or could not be decoded; the wrapping error names the
// split, and the block and field when known.
var ErrCorrupt = errors.New("split is corrupt")

// FieldSpec tells the split writer how to index one field.
type FieldSpec struct {
	// Tokenizer names the tokenizer of text fields (tokenize.go); empty
	// means raw.
	Tokenizer string
	// Indexed puts the field's terms in the term index. Floats and datetimes
	// are never put there: they are searched by range on column bounds.
	Indexed bool
	// Elements marks a mapped array field: its values are JSON arrays, and
	// each element is tokenized on its own, as queries match elements.
	Elements bool
}

// Schema maps field names to their spec. A field missing from the
// schema (dynamic mode) is indexed with the raw tokenizer.
type Schema map[string]FieldSpec

// spec returns the field's spec, defaulting unknown fields to indexed raw.
func (s Schema) spec(name string) FieldSpec {
	if fs, ok := s[name]; ok {
		if fs.Tokenizer == "" {
			fs.Tokenizer = TokenizerRaw
		}
		return fs
	}
	return FieldSpec{Tokenizer: TokenizerRaw, Indexed: true}
}

// Split is an open immutable split: its metadata in memory, its data file
// read on demand, its term index opened on first lookup. Safe for
// concurrent use.
type Split struct {
	path string
	Meta Meta
	data *os.File
	// FieldNames is Meta.Fields' keys, sorted: the field order of rebuilt events.
	FieldNames []string

	closeOnce sync.Once
	termsOnce sync.Once
	terms     *termIndex
	termsErr  error
	// ids is the document id filter, loaded on first use (ids_filter.go).
	idsOnce sync.Once
	ids     idFilter
	idsErr  error
}

// Open reads and checks the metadata and opens the data file; column
// chunks are verified when read, so opening stays cheap.
func Open(path string) (*Split, error) {
	meta, err := ReadMeta(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(path, SplitDataFile))
	if err != nil {
		return nil, fmt.Errorf("open split %s: %w", meta.ID, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open split %s: %w", meta.ID, err)
	}
	for i, b := range meta.Blocks {
		for _, c := range b.chunks() {
			if c.Offset+int64(c.Length) > st.Size() {
				f.Close()
				return nil, fmt.Errorf("open split %s: %w: block %d points past the end of the data file", meta.ID, ErrCorrupt, i)
			}
		}
	}
	names := make([]string, 0, len(meta.Fields))
	for name := range meta.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return &Split{path: path, Meta: meta, data: f, FieldNames: names}, nil
}

// Path is the split's directory.
func (s *Split) Path() string { return s.path }

// Close releases the data file and the term index; later calls return nil.
func (s *Split) Close() error {
	var err error
	s.closeOnce.Do(func() {
		err = s.data.Close()
		// Wait for a term index being opened, and keep it from opening later.
		s.termsOnce.Do(func() { s.termsErr = fmt.Errorf("split %s is closed", s.Meta.ID) })
		if s.terms != nil {
			if cerr := s.terms.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			err = fmt.Errorf("close split %s: %w", s.Meta.ID, err)
		}
	})
	return err
}
