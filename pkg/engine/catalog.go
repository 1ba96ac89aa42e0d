package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The catalog is the directory of indexes under the data dir:
//
//	<dir>/indexes/<id>/index.json       the IndexConfig
//	<dir>/indexes/<id>/checkpoint.json  the highest seq already in splits
//	<dir>/indexes/<id>/wal/             write-ahead log segments
//	<dir>/indexes/<id>/splits/          immutable splits
//
// Creating and deleting an index renames a whole directory, so a crash
// never leaves half an index behind.
const (
	catalogDir          = "indexes"
	indexConfigFile     = "index.json"
	indexCheckpointFile = "checkpoint.json"
	indexWALDir         = "wal"
	indexSplitsDir      = "splits"
	catalogTempPrefix   = ".tmp-"
)

// indexCheckpoint is persisted after each flush so seqs stay increasing
// even when retention later deletes every split.
type indexCheckpoint struct {
	FlushedSeq uint64 `json:"flushed_seq"`
}

func indexDir(root, id string) string { return filepath.Join(root, catalogDir, id) }

// loadCatalog returns the configs of every index under root, removing
// leftovers of creations and deletions a crash interrupted.
func loadCatalog(root string) ([]IndexConfig, error) {
	dir := filepath.Join(root, catalogDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create catalog directory %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read catalog directory %s: %w", dir, err)
	}
	var cfgs []IndexConfig
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if strings.HasPrefix(e.Name(), catalogTempPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("remove interrupted catalog change %s: %w", e.Name(), err)
			}
			continue
		}
		path := filepath.Join(dir, e.Name(), indexConfigFile)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read index config %s: %w", path, err)
		}
		cfg, err := ParseIndexConfig(data)
		if err != nil {
			return nil, fmt.Errorf("index config %s: %w", path, err)
		}
		if cfg.IndexID != e.Name() {
			return nil, fmt.Errorf("index config %s names index %q: the directory and index_id must match", path, cfg.IndexID)
		}
		cfgs = append(cfgs, cfg)
	}
	return cfgs, nil
}

// createIndexDir lays out a new index in a temporary directory and renames
// it into place.
func createIndexDir(root string, cfg IndexConfig) error {
	final := indexDir(root, cfg.IndexID)
	if _, err := os.Stat(final); err == nil {
		return fmt.Errorf("create index %q: %w", cfg.IndexID, ErrIndexExists)
	}
	tmp := filepath.Join(root, catalogDir, catalogTempName("new"))
	for _, d := range []string{tmp, filepath.Join(tmp, indexWALDir), filepath.Join(tmp, indexSplitsDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create index %q: %w", cfg.IndexID, err)
		}
	}
	if err := writeIndexConfig(tmp, cfg); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("create index %q: %w", cfg.IndexID, err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("create index %q: sync catalog: %w", cfg.IndexID, err)
	}
	return nil
}

// catalogTemps makes temporary names unique within the process.
var catalogTemps atomic.Uint64

// catalogTempName names a directory being created or deleted. It leaves
// the index id out: an id may take all 255 bytes a file name allows.
func catalogTempName(kind string) string {
	return catalogTempPrefix + kind + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatUint(catalogTemps.Add(1), 36)
}

func writeIndexConfig(dir string, cfg IndexConfig) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("encode index config %q: %w", cfg.IndexID, err)
	}
	return writeFileAtomic(filepath.Join(dir, indexConfigFile), data)
}

// deleteIndexDir renames the index out of the catalog (atomic), then
// removes its files.
func deleteIndexDir(root, id string) error {
	dir := indexDir(root, id)
	trash := filepath.Join(root, catalogDir, catalogTempName("deleted"))
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("delete index %q: %w", id, err)
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("delete index %q: sync catalog: %w", id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("delete index %q: remove files: %w", id, err)
	}
	return nil
}

func readCheckpoint(dir string) (indexCheckpoint, error) {
	var cp indexCheckpoint
	path := filepath.Join(dir, indexCheckpointFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cp, nil
	}
	if err != nil {
		return cp, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &cp); err != nil {
		return cp, fmt.Errorf("decode checkpoint %s: %w", path, err)
	}
	return cp, nil
}

func writeCheckpoint(dir string, cp indexCheckpoint) error {
	data, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, indexCheckpointFile), data)
}

// writeFileAtomic replaces path with data durably: a reader (or a restart)
// sees either the old content or the new, never a mix.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
