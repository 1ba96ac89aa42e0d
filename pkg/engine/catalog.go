package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/triage-logs/triage/pkg/engine/durable"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

// The catalog is the directory of indexes under the data dir:
//
//	<dir>/indexes/<id>/index.json       the IndexConfig
//	<dir>/indexes/<id>/index.json.bak   its backup copy, written first
//	<dir>/indexes/<id>/checkpoint.json  the highest seq already in splits
//	<dir>/indexes/<id>/wal/             write-ahead log segments
//	<dir>/indexes/<id>/wal_head.json    the newest WAL segment ever created
//	<dir>/indexes/<id>/splits/          immutable splits
//	<dir>/indexes/<id>/quarantine/      damaged data set aside, with reports
//
// Creating and deleting an index renames a whole directory, so a crash
// never leaves half an index behind.
const (
	catalogDir      = "indexes"
	indexConfigFile = "index.json"
	// indexConfigBackupFile is a copy of index.json written before it, so
	// a damaged config can be restored.
	indexConfigBackupFile = "index.json.bak"
	indexCheckpointFile   = "checkpoint.json"
	indexWALDir           = "wal"
	indexSplitsDir        = "splits"
	catalogTempPrefix     = ".tmp-"
)

// indexCheckpoint is persisted after each flush so seqs stay increasing
// even when retention later deletes every split.
type indexCheckpoint struct {
	FlushedSeq uint64 `json:"flushed_seq"`
}

func indexDir(root, id string) string { return filepath.Join(root, catalogDir, id) }

// catalogEntry is one index directory of the catalog: its config, or why
// the index cannot open.
type catalogEntry struct {
	id  string
	cfg IndexConfig
	err error // wraps ErrIndexUnavailable
}

// loadCatalog returns every index under root, removing leftovers of
// creations and deletions a crash interrupted. An index whose config
// cannot be read comes back with err set: the others open regardless.
func loadCatalog(root string, logger *slog.Logger) ([]catalogEntry, error) {
	dir := filepath.Join(root, catalogDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create catalog directory %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read catalog directory %s: %w", dir, err)
	}
	var out []catalogEntry
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
		cfg, err := loadIndexConfig(filepath.Join(dir, e.Name()), e.Name(), logger)
		out = append(out, catalogEntry{id: e.Name(), cfg: cfg, err: err})
	}
	return out, nil
}

// loadIndexConfig reads an index's config. A damaged or missing index.json
// is moved to the quarantine and restored from its backup copy, which is
// written before every change of index.json. Without an intact backup the
// index stays unavailable rather than guessing a mapping: a wrong one would
// reject or mis-type every new document and mis-read every query, and a
// wrong retention could delete data.
func loadIndexConfig(dir, id string, logger *slog.Logger) (IndexConfig, error) {
	path := filepath.Join(dir, indexConfigFile)
	backup := filepath.Join(dir, indexConfigBackupFile)
	cfg, data, err := readIndexConfig(path, id)
	if err == nil {
		// Stores from before backups, or a crash between the two writes of
		// a change, get their backup brought up to date here.
		if old, rerr := os.ReadFile(backup); rerr != nil || !bytes.Equal(old, data) {
			if werr := durable.WriteFile(backup, data); werr != nil {
				logger.Warn("could not write the backup copy of an index config", "index", id, "error", werr)
			}
		}
		return cfg, nil
	}
	bcfg, bdata, berr := readIndexConfig(backup, id)
	if berr != nil {
		return IndexConfig{}, fmt.Errorf("%w: %v, and its backup %s cannot be used either (%v): restore %s from a backup of the data directory or write it again with the same index_id and mapping, then restart; the index's data is untouched",
			ErrIndexUnavailable, err, indexConfigBackupFile, berr, path)
	}
	q := quarantine.Dir{IndexDir: dir, Log: quarantine.NewLog(id, logger, nil)}
	kept := ""
	if _, serr := os.Lstat(path); serr == nil {
		if kept, serr = q.MoveAside(path, indexConfigFile); serr != nil {
			return IndexConfig{}, fmt.Errorf("%w: %v", ErrIndexUnavailable, serr)
		}
	}
	if werr := durable.WriteFile(path, bdata); werr != nil {
		return IndexConfig{}, fmt.Errorf("%w: restore %s from its backup: %v", ErrIndexUnavailable, path, werr)
	}
	key := indexConfigFile
	if kept != "" {
		key = filepath.Base(kept)
	}
	d := quarantine.Damage{Kind: quarantine.DamageIndexConfig, Path: indexConfigFile, Kept: kept, Reason: fmt.Sprintf("%v; restored from %s", err, indexConfigBackupFile)}
	if rerr := q.Report(key, d); rerr != nil {
		return IndexConfig{}, fmt.Errorf("%w: %v", ErrIndexUnavailable, rerr)
	}
	return bcfg, nil
}

// readIndexConfig reads and checks one config file of the index id.
func readIndexConfig(path, id string) (IndexConfig, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return IndexConfig{}, nil, fmt.Errorf("read index config %s: %w", path, err)
	}
	cfg, err := ParseIndexConfig(data)
	if err != nil {
		return IndexConfig{}, nil, fmt.Errorf("index config %s: %w", path, err)
	}
	if cfg.IndexID != id {
		return IndexConfig{}, nil, fmt.Errorf("index config %s names index %q: the directory and index_id must match", path, cfg.IndexID)
	}
	return cfg, data, nil
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
	if err := durable.SyncDir(filepath.Dir(final)); err != nil {
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
	// The backup first: a crash between the writes leaves index.json as it
	// was, and Open brings the backup back in line with it.
	if err := durable.WriteFile(filepath.Join(dir, indexConfigBackupFile), data); err != nil {
		return err
	}
	return durable.WriteFile(filepath.Join(dir, indexConfigFile), data)
}

// deleteIndexDir renames the index out of the catalog (atomic), then
// removes its files.
func deleteIndexDir(root, id string) error {
	dir := indexDir(root, id)
	trash := filepath.Join(root, catalogDir, catalogTempName("deleted"))
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("delete index %q: %w", id, err)
	}
	if err := durable.SyncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("delete index %q: sync catalog: %w", id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("delete index %q: remove files: %w", id, err)
	}
	return nil
}

// loadCheckpoint reads the checkpoint. A damaged one is moved to the
// quarantine and reported, and known is false: the highest flushed seq is
// then taken from the splits alone, and the seqs between them and the
// WAL's first record cannot be checked. It holds no events, so nothing is
// lost with it; Open writes it again.
func loadCheckpoint(q quarantine.Dir) (cp indexCheckpoint, known bool, err error) {
	path := filepath.Join(q.IndexDir, indexCheckpointFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cp, true, nil
	}
	if err == nil {
		if err = json.Unmarshal(data, &cp); err == nil {
			return cp, true, nil
		}
	}
	kept, merr := q.MoveAside(path, indexCheckpointFile)
	if merr != nil {
		return cp, false, fmt.Errorf("checkpoint %s is damaged (%v): %w", path, err, merr)
	}
	d := quarantine.Damage{Kind: quarantine.DamageCheckpoint, Path: indexCheckpointFile, Kept: kept,
		Reason: fmt.Sprintf("%v; the flushed seq was rebuilt from the splits and the WAL, and whether seqs were missing between them could not be checked", err)}
	return indexCheckpoint{}, false, q.Report(filepath.Base(kept), d)
}

func writeCheckpoint(dir string, cp indexCheckpoint) error {
	data, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	return durable.WriteFile(filepath.Join(dir, indexCheckpointFile), data)
}
