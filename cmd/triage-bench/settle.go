package main

import (
	"context"
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, user and system.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// settle waits until this process has been nearly idle: a reopened store
// may replay its WAL and merge splits in the background, and "idle" query
// figures must not include that work.
func settle(ctx context.Context, interval, maxWait time.Duration) time.Duration {
	d, _ := waitQuiet(ctx, processCPU, interval, maxWait)
	return d
}

// waitQuiet waits until cpu (a process' CPU time so far) grows by under a
// tenth of a core over a whole interval, or until maxWait, and returns how
// long it waited.
func waitQuiet(ctx context.Context, cpu func() (time.Duration, error), interval, maxWait time.Duration) (time.Duration, error) {
	start := time.Now()
	for time.Since(start) < maxWait {
		before, err := cpu()
		if err != nil {
			return time.Since(start), err
		}
		t0 := time.Now()
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(interval):
		}
		after, err := cpu()
		if err != nil {
			return time.Since(start), err
		}
		if after-before < time.Since(t0)/10 {
			break
		}
	}
	return time.Since(start), nil
}
