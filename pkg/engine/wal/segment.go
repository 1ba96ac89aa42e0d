package wal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/durable"
)

// File is the part of *os.File the WAL writes through; tests swap it
// for one that fails to prove a full disk leaves the store consistent.
type File interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Close() error
}

// OpenFunc creates a new, empty segment file for appending.
type OpenFunc func(path string) (File, error)

func CreateFile(path string) (File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
}

// Segment is one segment file: numbered in write order, with the
// highest seq it holds (0 when it holds no record).
type Segment struct {
	num    int
	maxSeq uint64
}

const walSegmentSuffix = ".wal"

func SegmentPath(dir string, num int) string {
	return filepath.Join(dir, fmt.Sprintf("%08d%s", num, walSegmentSuffix))
}

// walHeadFile, beside the WAL directory, records the newest segment ever
// created. Replay compares it with the segments on disk: newest segments
// deleted whole leave no later record to show the gap, so without it
// their loss would be silent. It is written once per segment (at Open, at
// each flush and every WALSegmentBytes), not per record.
const walHeadFile = "wal_head.json"

type walHead struct {
	Segment int `json:"segment"`
}

func walHeadPath(walDir string) string { return filepath.Join(filepath.Dir(walDir), walHeadFile) }

// readWALHead returns the newest segment number ever created, 0 when the
// store predates the record.
func readWALHead(walDir string) (int, error) {
	data, err := os.ReadFile(walHeadPath(walDir))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	var h walHead
	if err == nil {
		err = json.Unmarshal(data, &h)
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", walHeadPath(walDir), err)
	}
	return h.Segment, nil
}

func writeWALHead(walDir string, num int) error {
	data, err := json.Marshal(walHead{Segment: num})
	if err == nil {
		err = durable.WriteFile(walHeadPath(walDir), data)
	}
	return err
}

// walRewriteSuffix names a segment being rewritten without its damaged
// bytes (wal_repair.go); one left by a crash is removed at the next Open.
const walRewriteSuffix = ".rewrite"

// ListDir returns the segment numbers in dir in write order, and the
// names of entries that are not segments (stray files an operator or a
// tool left, which replay moves aside).
func ListDir(dir string) (nums []int, strays []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("list WAL segments in %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, walRewriteSuffix) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, nil, fmt.Errorf("remove interrupted WAL rewrite %s: %w", name, err)
			}
			continue
		}
		base, ok := strings.CutSuffix(name, walSegmentSuffix)
		n, err := strconv.Atoi(base)
		if !ok || err != nil || n <= 0 || !e.Type().IsRegular() || SegmentPath(dir, n) != filepath.Join(dir, name) {
			strays = append(strays, name)
			continue
		}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	return nums, strays, nil
}
