package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// lockFileName is held with an exclusive flock while a store is open: two
// processes (a Grafana plugin and `gpx_triage serve`, say) writing one WAL
// would corrupt it. The kernel drops the lock if the process dies.
const lockFileName = "LOCK"

// ErrStoreLocked means another process has the store open.
var ErrStoreLocked = errors.New("the store is in use by another process")

func lockStore(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked); stop the other Triage process or use another data directory", ErrStoreLocked, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

func unlockStore(f *os.File) error {
	if f == nil {
		return nil
	}
	uerr := unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return errors.Join(uerr, f.Close())
}
