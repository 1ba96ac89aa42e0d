package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: the kernel
// reports them in USER_HZ, which Linux fixes at 100 for every architecture
// the ABI exports (see proc(5), "times are measured in clock ticks").
const userHZ = 100

// procCPU is the CPU time (user + system) process pid has used so far,
// from fields 14 and 15 of /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time of process %d: %w", pid, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields from the last ')'.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name in %q", pid, s)
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state), so utime (14) is f[11] and stime (15) f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields, want at least 15", pid, len(f)+2)
	}
	var ticks int64
	for _, x := range f[11:13] {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: CPU time %q: %w", pid, x, err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// procMemory reads a "Vm…:" line of /proc/<pid>/status (VmHWM is the
// peak resident set, VmRSS the current one) in bytes.
func procMemory(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), key+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("/proc/%d/status: unexpected %s line %q", pid, key, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/status: %s: %w", pid, key, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s line", pid, key)
}

// loadAvg is the machine's 1-minute load average, the figure printed next
// to every measurement: on a shared machine it says how much CPU the
// measured process could get.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// loadSpan is the load average at the start and the end of a measurement.
type loadSpan struct{ from, to float64 }

func startLoad() loadSpan { l := loadAvg(); return loadSpan{l, l} }

func (l *loadSpan) end() { l.to = loadAvg() }

func (l loadSpan) String() string {
	if l.from == l.to {
		return fmt.Sprintf("load %.1f", l.from)
	}
	return fmt.Sprintf("load %.1f→%.1f", l.from, l.to)
}

// settleProcess waits until process pid has been nearly idle (see waitQuiet).
func settleProcess(ctx context.Context, pid int, interval, maxWait time.Duration) (time.Duration, error) {
	return waitQuiet(ctx, func() (time.Duration, error) { return procCPU(pid) }, interval, maxWait)
}
