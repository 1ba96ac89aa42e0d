package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// walFile is the part of *os.File the WAL writes through; tests swap it
// for one that fails to prove a full disk leaves the store consistent.
type walFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Close() error
}

// walOpenFunc creates a new, empty segment file for appending.
type walOpenFunc func(path string) (walFile, error)

func createWALFile(path string) (walFile, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
}

// walSegment is one segment file: numbered in write order, with the
// highest seq it holds (0 when it holds no record).
type walSegment struct {
	num    int
	maxSeq uint64
}

const walSegmentSuffix = ".wal"

func walSegmentPath(dir string, num int) string {
	return filepath.Join(dir, fmt.Sprintf("%08d%s", num, walSegmentSuffix))
}

// listWALSegments returns the segment numbers in dir in write order.
func listWALSegments(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list WAL segments in %s: %w", dir, err)
	}
	var nums []int
	for _, e := range entries {
		name := e.Name()
		base, ok := strings.CutSuffix(name, walSegmentSuffix)
		if !ok || e.IsDir() {
			continue
		}
		n, err := strconv.Atoi(base)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("unexpected file %s in WAL directory %s: remove it", name, dir)
		}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	return nums, nil
}

// syncDir makes a directory's entries (created, renamed or removed files) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
