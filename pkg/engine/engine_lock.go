package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/gofrs/flock"
)

// lockFileName is held with an exclusive lock while a store is open: two
// processes (a Grafana plugin and `gpx_triage serve`, say) writing one WAL
// would corrupt it. The OS drops the lock if the process dies (flock(2) on
// Unix, LockFileEx on Windows, both through gofrs/flock).
const lockFileName = "LOCK"

// ErrStoreLocked means another process has the store open.
var ErrStoreLocked = errors.New("the store is in use by another process")

// storeLock is the held lock of one open store.
type storeLock struct{ fl *flock.Flock }

func lockStore(dir string) (*storeLock, error) {
	path := filepath.Join(dir, lockFileName)
	fl := flock.New(path, flock.SetPermissions(fs.FileMode(0o644)))
	locked, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !locked {
		return nil, fmt.Errorf("%w (%s is locked); stop the other Triage process or use another data directory", ErrStoreLocked, path)
	}
	return &storeLock{fl: fl}, nil
}

func unlockStore(l *storeLock) error {
	if l == nil {
		return nil
	}
	if err := l.fl.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.fl.Path(), err)
	}
	return nil
}
