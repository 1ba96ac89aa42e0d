package split

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/golang/snappy"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// Options are the layout knobs; WriteSplit uses the measured defaults,
// benchmarks vary them.
type Options struct {
	BlockRows   int
	GranuleRows int
	// MergeOps is written to Meta.MergeOps.
	MergeOps int
	// noBlooms puts every term in bleve, to measure what bloom filters save.
	noBlooms bool
}

// Block sizing: rows per block and per term-index granule, chosen by
// BenchmarkWriteSplitGranules (see the report in BENCHMARKS.md).
const (
	DefaultBlockRows   = 8192
	defaultGranuleRows = 8192
)

var DefaultSplitOptions = Options{BlockRows: DefaultBlockRows, GranuleRows: defaultGranuleRows}

// WriteSplit writes events (sorted by (Timestamp, Seq)) as a new split
// directory under dir and returns its metadata. The split is built in a
// temporary directory, fsynced, then renamed into place, so a crash leaves
// either the whole split or no split (see IsSplitTemp, RemoveSplitTemps).
func WriteSplit(dir string, schema Schema, events []event.Event) (Meta, error) {
	return writeSplit(dir, schema, events, DefaultSplitOptions)
}

func writeSplit(dir string, schema Schema, events []event.Event, opts Options) (Meta, error) {
	return WriteSplitFrom(dir, schema, &SliceSource{Events: events}, opts)
}

// EventSource yields a split's events in (Timestamp, Seq) order, in runs of
// at most n; an empty run ends it. A run is only read until the next call,
// so a source may reuse it: the split writer then holds one block of
// events at a time, whatever the split's size (a merge streams its inputs).
type EventSource interface {
	NextRun(n int) ([]event.Event, error)
}

// SliceSource is an eventSource over events already in memory.
type SliceSource struct{ Events []event.Event }

func (s *SliceSource) NextRun(n int) ([]event.Event, error) {
	k := min(n, len(s.Events))
	run := s.Events[:k]
	s.Events = s.Events[k:]
	return run, nil
}

// WriteSplitFrom is WriteSplit over any source of events.
func WriteSplitFrom(dir string, schema Schema, src EventSource, opts Options) (Meta, error) {
	if opts.BlockRows%opts.GranuleRows != 0 {
		return Meta{}, fmt.Errorf("write split: block rows %d is not a multiple of granule rows %d", opts.BlockRows, opts.GranuleRows)
	}
	first, err := src.NextRun(opts.BlockRows)
	if err != nil {
		return Meta{}, fmt.Errorf("write split in %s: %w", dir, err)
	}
	if len(first) == 0 {
		return Meta{}, fmt.Errorf("write split in %s: no events", dir)
	}
	id, err := newSplitID(first[0].Timestamp)
	if err != nil {
		return Meta{}, err
	}
	tmp := filepath.Join(dir, splitTempPrefix+id)
	final := filepath.Join(dir, id)
	meta, err := buildSplit(tmp, id, schema, first, src, opts)
	if err == nil {
		err = syncTree(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err == nil {
		err = SyncSplitParent(dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return Meta{}, fmt.Errorf("write split %s: %w", id, err)
	}
	return meta, nil
}

// splitTempPrefix starts the name of a split being written.
const splitTempPrefix = ".tmp-"

// IsSplitTemp reports whether a directory entry under a splits directory is
// an unfinished split (a crash mid-write), which catalogs skip.
func IsSplitTemp(name string) bool { return strings.HasPrefix(name, splitTempPrefix) }

// RemoveSplitTemps deletes the unfinished splits a crash left in dir; call it
// at start-up, before any WriteSplit into dir.
func RemoveSplitTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("remove unfinished splits in %s: %w", dir, err)
	}
	for _, e := range entries {
		if IsSplitTemp(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove unfinished split %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// newSplitID names a split by its first timestamp (so names sort by time)
// and a random suffix (so merges never collide).
func newSplitID(minTime int64) (string, error) {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("split id: %w", err)
	}
	return fmt.Sprintf("%016x-%s", uint64(minTime), hex.EncodeToString(r[:])), nil
}

// buildSplit writes the data file, term index and metadata into path,
// block by block: first is the source's first run.
func buildSplit(path, id string, schema Schema, first []event.Event, src EventSource, opts Options) (Meta, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return Meta{}, err
	}
	f, err := os.Create(filepath.Join(path, SplitDataFile))
	if err != nil {
		return Meta{}, err
	}
	defer f.Close()
	terms, err := newTermIndexBuilder(filepath.Join(path, SplitTermsDir))
	if err != nil {
		return Meta{}, err
	}
	terms.noBlooms = opts.noBlooms
	w := &chunkWriter{out: bufio.NewWriterSize(f, 1<<20)}
	meta := Meta{Version: splitMetaVersion, TermsVersion: TermsVersionQuickwit, ID: id, GranuleRows: opts.GranuleRows, MergeOps: opts.MergeOps,
		MinTime: first[0].Timestamp, MinSeq: first[0].Seq, MaxSeq: first[0].Seq, Fields: map[string]FieldMeta{}}
	unbounded := map[string]uint16{}
	b := newBlockBuilder(schema)
	prev := first[0]
	var idHashes []uint64
	for blk := first; len(blk) > 0; {
		idHashes = appendIDHashes(idHashes, blk)
		for i := range blk {
			if blk[i].Before(&prev) {
				terms.Close()
				return Meta{}, fmt.Errorf("event %d sorts before event %d; sort by (Timestamp, Seq) first", meta.Rows+i, meta.Rows+i-1)
			}
			prev = blk[i]
		}
		bm, err := b.writeBlock(w, blk)
		if err != nil {
			terms.Close()
			return Meta{}, err
		}
		meta.Rows += len(blk)
		meta.MaxTime = blk[len(blk)-1].Timestamp
		meta.MinSeq, meta.MaxSeq = min(meta.MinSeq, bm.MinSeq), max(meta.MaxSeq, bm.MaxSeq)
		for _, fv := range b.fields {
			c := bm.Columns[fv.name]
			fm := meta.Fields[fv.name]
			fm.Tokenizer, fm.Indexed = fv.spec.Tokenizer, fv.spec.Indexed
			for _, k := range c.Kinds {
				if !slices.Contains(fm.Kinds, k) {
					fm.Kinds = append(fm.Kinds, k)
				}
				if !slices.ContainsFunc(c.Bounds, func(b column.Bounds) bool { return b.Kind == k }) {
					unbounded[fv.name] |= 1 << k
				}
			}
			fm.Bounds = column.MergeBounds(fm.Bounds, c.Bounds)
			meta.Fields[fv.name] = fm
		}
		meta.Blocks = append(meta.Blocks, bm)
		for g := 0; g < len(blk); g += opts.GranuleRows {
			hi := min(g+opts.GranuleRows, len(blk))
			if err := terms.add(b.granuleTerms(g, hi), hi-g); err != nil {
				terms.Close()
				return Meta{}, err
			}
		}
		if blk, err = src.NextRun(opts.BlockRows); err != nil {
			terms.Close()
			return Meta{}, err
		}
	}
	if err := terms.Close(); err != nil {
		return Meta{}, err
	}
	if meta.TermFiles, err = checksumTree(filepath.Join(path, SplitTermsDir)); err != nil {
		return Meta{}, err
	}
	meta.Blooms, meta.BloomCRC = terms.refs, crc32.Checksum(terms.blooms, SplitCRCTable)
	if err := os.WriteFile(filepath.Join(path, splitBloomFile), terms.blooms, 0o644); err != nil {
		return Meta{}, err
	}
	if err := writeIDHashes(path, &meta, idHashes); err != nil {
		return Meta{}, err
	}
	if w.err == nil {
		w.err = w.out.Flush()
	}
	if w.err != nil {
		return Meta{}, fmt.Errorf("write %s: %w", SplitDataFile, w.err)
	}
	for name, fm := range meta.Fields {
		fm.Bounds = slices.DeleteFunc(fm.Bounds, func(b column.Bounds) bool { return unbounded[name]&(1<<b.Kind) != 0 })
		meta.Fields[name] = fm
	}
	return meta, writeMetaFile(path, &meta)
}

// writeBlock encodes one block's chunks into w and describes them.
func (b *blockBuilder) writeBlock(w *chunkWriter, events []event.Event) (BlockMeta, error) {
	bm := BlockMeta{Rows: len(events), MinTime: events[0].Timestamp, MaxTime: events[len(events)-1].Timestamp,
		MinSeq: events[0].Seq, MaxSeq: events[0].Seq, Columns: make(map[string]column.ChunkMeta, len(b.fields))}
	b.ints = column.ReuseSlice(b.ints, len(events))
	for i := range events {
		b.ints[i] = events[i].Timestamp
	}
	bm.Time = w.write(b.enc.EncodeInts(b.ints, event.KindTime), column.ChunkMeta{Present: len(events), Encoding: column.EncDelta})
	for i := range events {
		b.ints[i] = int64(events[i].Seq)
		bm.MinSeq, bm.MaxSeq = min(bm.MinSeq, events[i].Seq), max(bm.MaxSeq, events[i].Seq)
	}
	bm.Seq = w.write(b.enc.EncodeInts(b.ints, event.KindUint64), column.ChunkMeta{Present: len(events), Encoding: column.EncDelta})
	if err := b.load(events); err != nil {
		return BlockMeta{}, err
	}
	for _, f := range b.fields {
		raw, cm := b.enc.EncodeField(&f.Values, len(events))
		bm.Columns[f.name] = w.write(raw, cm)
	}
	return bm, nil
}

// chunkWriter compresses chunks and appends them to the data file; the
// first error sticks and is reported once at the end.
type chunkWriter struct {
	out *bufio.Writer
	off int64
	buf []byte
	err error
}

func (w *chunkWriter) write(raw []byte, cm column.ChunkMeta) column.ChunkMeta {
	w.buf = snappy.Encode(w.buf[:cap(w.buf)], raw)
	cm.Offset, cm.Length = w.off, len(w.buf)
	cm.CRC = crc32.Checksum(w.buf, SplitCRCTable)
	if w.err == nil {
		_, w.err = w.out.Write(w.buf)
	}
	w.off += int64(len(w.buf))
	return cm
}

// writeMetaFile writes the metadata last, after measuring the split's size.
func writeMetaFile(path string, meta *Meta) error {
	var size int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	if err != nil {
		return err
	}
	// SizeBytes counts the metadata file too, whose length depends on
	// SizeBytes' digits: encode until the two agree (two or three rounds).
	var b []byte
	for meta.SizeBytes = size; ; {
		b, err = encodeSplitMeta(meta)
		if err != nil {
			return err
		}
		if meta.SizeBytes == size+int64(len(b)) {
			break
		}
		meta.SizeBytes = size + int64(len(b))
	}
	return os.WriteFile(filepath.Join(path, SplitMetaFile), b, 0o644)
}

// checksumTree returns the CRC32C of every file under root, by relative path.
func checksumTree(root string) (map[string]uint32, error) {
	out := map[string]uint32{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = crc32.Checksum(b, SplitCRCTable)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checksum term index: %w", err)
	}
	return out, nil
}

// syncTree fsyncs every file and directory under path, so that the rename
// that publishes the split cannot reach disk before the data does.
func syncTree(path string) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		serr := f.Sync()
		cerr := f.Close()
		if serr != nil {
			return fmt.Errorf("fsync %s: %w", p, serr)
		}
		return cerr
	})
}

func SyncSplitParent(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
