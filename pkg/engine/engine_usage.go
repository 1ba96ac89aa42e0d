package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WALBytes is the size on disk of an index's write-ahead log: events
// acknowledged but not yet in splits, plus segments awaiting removal. It
// grows without bound when flushes fail, which is what operators watch it for.
func (e *Engine) WALBytes(index string) (int64, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return 0, err
	}
	dir := filepath.Join(ix.dir, indexWALDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("size of the write-ahead log %s: %w", dir, err)
	}
	var total int64
	for _, entry := range entries {
		info, err := entry.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by a flush since ReadDir
		}
		if err != nil {
			return 0, fmt.Errorf("size of the write-ahead log %s: %w", dir, err)
		}
		if info.Mode().IsRegular() {
			total += info.Size()
		}
	}
	return total, nil
}

// Ready reports why the store cannot take writes, or nil when it can: it is
// open and its directory accepts a file. Health endpoints call it.
func (e *Engine) Ready() error {
	e.mu.RLock()
	closed := e.closed
	e.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	probe, err := os.CreateTemp(e.dir, ".ready-probe-*")
	if err != nil {
		return fmt.Errorf("store %s does not accept writes: %w", e.dir, err)
	}
	name := probe.Name()
	return errors.Join(probe.Close(), os.Remove(name))
}

// MatchCacheStats reports the store's cache of filter matches per split
// block (Options.MatchCacheBytes): how often a query found a block's rows
// there, how often it had to test the block, and how many blocks it holds.
func (e *Engine) MatchCacheStats() MatchCacheStats { return e.matches.Stats() }
