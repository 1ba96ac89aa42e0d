package main

import (
	"context"
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// settle waits until the process has been nearly idle (under a tenth of
// one core) for a whole interval, or until maxWait: a reopened store may
// replay its WAL and merge splits in the background, and "idle" query
// figures must not include that work. It returns how long it waited.
func settle(ctx context.Context, interval, maxWait time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < maxWait {
		before, t0 := processCPU(), time.Now()
		select {
		case <-ctx.Done():
			return time.Since(start)
		case <-time.After(interval):
		}
		if used := processCPU() - before; used < time.Since(t0)/10 {
			break
		}
	}
	return time.Since(start)
}
