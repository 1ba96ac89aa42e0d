//go:build !windows

package plugin

import "golang.org/x/sys/unix"

// diskSpace reads the space of dir's file system with statfs(2). FreeBytes
// is what an unprivileged process may still write (f_bavail), as ingest runs
// without root's reserve.
func diskSpace(dir string) (diskState, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return diskState{}, err
	}
	return diskState{
		FreeBytes:  uint64(st.Bavail) * uint64(st.Bsize),
		TotalBytes: uint64(st.Blocks) * uint64(st.Bsize),
	}, nil
}
