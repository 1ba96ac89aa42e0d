package priority

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestYieldWithoutForegroundReturnsAtOnce(t *testing.T) {
	g := New()
	if d := g.Yield(context.Background(), Policy{MaxPause: time.Hour}); d > 100*time.Millisecond {
		t.Fatalf("an idle gate held background work for %v", d)
	}
}

func TestYieldWaitsForForeground(t *testing.T) {
	g := New()
	done := g.Foreground()
	released := make(chan time.Duration)
	go func() { released <- g.Yield(context.Background(), Policy{MaxPause: time.Hour}) }()
	select {
	case d := <-released:
		t.Fatalf("background went on after %v while a query ran", d)
	case <-time.After(50 * time.Millisecond):
	}
	done()
	done() // a second call must not release another task's hold
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("background still held after the query ended")
	}
	if n := g.Running(); n != 0 {
		t.Fatalf("%d foreground tasks after done", n)
	}
}

func TestYieldBounded(t *testing.T) {
	g := New()
	defer g.Foreground()()
	tests := []struct {
		name string
		p    Policy
		ctx  func() context.Context
	}{
		{"longest pause", Policy{MaxPause: 20 * time.Millisecond}, context.Background},
		{"urgent", Policy{MaxPause: time.Hour, Urgent: func() bool { return true }}, context.Background},
		{"cancelled", Policy{MaxPause: time.Hour}, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := make(chan time.Duration)
			go func() { out <- g.Yield(tc.ctx(), tc.p) }()
			select {
			case <-out:
			case <-time.After(10 * time.Second):
				t.Fatal("Yield did not return")
			}
		})
	}
}

// TestYieldWaitsWhileBusy: a task whose policy reports other work first
// waits without any foreground task, and goes on once that work is done.
func TestYieldWaitsWhileBusy(t *testing.T) {
	g := New()
	var busy atomic.Bool
	busy.Store(true)
	out := make(chan time.Duration)
	go func() { out <- g.Yield(context.Background(), Policy{MaxPause: time.Hour, Busy: busy.Load}) }()
	select {
	case d := <-out:
		t.Fatalf("went on after %v while busy", d)
	case <-time.After(50 * time.Millisecond):
	}
	busy.Store(false)
	select {
	case <-out:
	case <-time.After(5 * time.Second):
		t.Fatal("still held after the other work ended")
	}
}
