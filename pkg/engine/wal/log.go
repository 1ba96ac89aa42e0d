package wal

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/triage-logs/triage/pkg/engine/durable"
)

// Log is one index's write-ahead log: a directory of segments written in
// order. Only the index's committer goroutine calls it, so it has no lock.
type Log struct {
	// OnSync, when set, receives each fsync's duration.
	OnSync   func(time.Duration)
	dir      string
	open     OpenFunc
	segBytes int64
	Segs     []Segment // the last one is being written
	f        File      // nil after a failed roll: the next append retries
	size     int64
	// broken is set when a failed append could not be undone; the store must
	// be reopened (replay then decides what the segment holds).
	broken error
}

// Open starts a new segment after the replayed ones, so a segment that
// was cut at a torn tail is never appended to.
func Open(dir string, open OpenFunc, segBytes int64, replayed []Segment) (*Log, error) {
	w := &Log{dir: dir, open: open, segBytes: segBytes, Segs: replayed}
	if err := w.Roll(); err != nil {
		return nil, err
	}
	return w, nil
}

// Append writes one sealed record holding seqs up to lastSeq and fsyncs
// it. On failure the segment is cut back to its previous length so that
// nothing of an unacknowledged record remains.
func (w *Log) Append(rec []byte, lastSeq uint64) error {
	if w.broken != nil {
		return w.broken
	}
	if w.f == nil || (w.size > 0 && w.size+int64(len(rec)) > w.segBytes) {
		if err := w.Roll(); err != nil {
			return err
		}
	}
	path := SegmentPath(w.dir, w.Segs[len(w.Segs)-1].num)
	_, err := w.f.Write(rec)
	if err == nil {
		started := time.Now()
		err = w.f.Sync()
		if w.OnSync != nil {
			w.OnSync(time.Since(started))
		}
	}
	if err != nil {
		if terr := w.f.Truncate(w.size); terr != nil {
			w.broken = fmt.Errorf("WAL segment %s could not be repaired after a failed write (%v); reopen the store: %w", path, terr, err)
		} else if serr := w.f.Sync(); serr != nil {
			w.broken = fmt.Errorf("WAL segment %s could not be synced after a failed write (%v); reopen the store: %w", path, serr, err)
		}
		return fmt.Errorf("append to WAL segment %s: %w", path, err)
	}
	w.size += int64(len(rec))
	w.Segs[len(w.Segs)-1].maxSeq = lastSeq
	return nil
}

// Roll closes the current segment and starts the next one.
func (w *Log) Roll() error {
	if w.f != nil {
		err := w.f.Close()
		w.f = nil
		if err != nil {
			return fmt.Errorf("close WAL segment in %s: %w", w.dir, err)
		}
	}
	num := 1
	if len(w.Segs) > 0 {
		num = w.Segs[len(w.Segs)-1].num + 1
	}
	path := SegmentPath(w.dir, num)
	f, err := w.open(path)
	if err != nil {
		return fmt.Errorf("create WAL segment %s: %w", path, err)
	}
	if err := durable.SyncDir(w.dir); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("sync WAL directory %s: %w", w.dir, err)
	}
	if err := writeWALHead(w.dir, num); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("record WAL segment %s as the newest: %w", path, err)
	}
	w.f, w.size = f, 0
	w.Segs = append(w.Segs, Segment{num: num})
	return nil
}

// RemoveCovered deletes closed segments whose records all have seq ≤
// flushed: they are in durable splits now.
func (w *Log) RemoveCovered(flushed uint64) error {
	var errs []error
	keep := w.Segs[:0]
	for i, s := range w.Segs {
		if i < len(w.Segs)-1 && s.maxSeq <= flushed {
			path := SegmentPath(w.dir, s.num)
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove WAL segment %s: %w", path, err))
				keep = append(keep, s)
			}
			continue
		}
		keep = append(keep, s)
	}
	w.Segs = keep
	return errors.Join(errs...)
}

func (w *Log) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
