//go:build windows

package plugin

import "golang.org/x/sys/windows"

// diskSpace reads the space of dir's volume with GetDiskFreeSpaceExW.
// FreeBytes is what this process may still write (quotas included).
func diskSpace(dir string) (diskState, error) {
	path, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return diskState{}, err
	}
	var free, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(path, &free, &total, &totalFree); err != nil {
		return diskState{}, err
	}
	return diskState{FreeBytes: free, TotalBytes: total}, nil
}
