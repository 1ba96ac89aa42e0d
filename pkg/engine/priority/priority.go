package priority

import (
	"context"
	"sync"
	"time"
)

// Gate counts the foreground tasks running and holds background work
// while there are any. The zero value is not usable; use New.
type Gate struct {
	mu     sync.Mutex
	active int
	// idle is closed when active drops to zero, and replaced when it rises.
	idle chan struct{}
}

// New returns a gate with no foreground task running.
func New() *Gate {
	idle := make(chan struct{})
	close(idle)
	return &Gate{idle: idle}
}

// Foreground marks a foreground task as running until done is called
// (once; later calls do nothing).
func (g *Gate) Foreground() (done func()) {
	g.mu.Lock()
	if g.active == 0 {
		g.idle = make(chan struct{})
	}
	g.active++
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.active--
			if g.active == 0 {
				close(g.idle)
			}
			g.mu.Unlock()
		})
	}
}

// recheck is how often a held task asks its policy again.
const recheck = 5 * time.Millisecond

// Policy says how long and for what a background task waits.
type Policy struct {
	// MaxPause is the longest one Yield waits, so the task still advances.
	MaxPause time.Duration
	// Urgent, when it reports true, lets the task go on at once, foreground
	// or not (a flush when the ingest buffer fills up).
	Urgent func() bool
	// Busy, when it reports true, holds the task even without foreground
	// work: other background work comes first (merges wait for flushes).
	Busy func() bool
}

// Yield returns at once when no foreground task runs and the policy's Busy
// does not hold it; otherwise it waits until that changes, Urgent reports
// true, MaxPause has passed or ctx ends. It reports how long it waited.
func (g *Gate) Yield(ctx context.Context, p Policy) time.Duration {
	start := time.Now()
	deadline := time.NewTimer(p.MaxPause)
	defer deadline.Stop()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		g.mu.Lock()
		idle := g.idle
		busy := g.active > 0
		g.mu.Unlock()
		held := busy || (p.Busy != nil && p.Busy())
		if !held || (p.Urgent != nil && p.Urgent()) {
			return time.Since(start)
		}
		if !busy {
			idle = nil // only the tick re-asks Busy
		}
		select {
		case <-idle:
		case <-tick.C:
		case <-deadline.C:
			return time.Since(start)
		case <-ctx.Done():
			return time.Since(start)
		}
	}
}

// Running reports how many foreground tasks run now.
func (g *Gate) Running() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.active
}
