package priority

import (
	"context"
	"testing"
	"time"
)

func TestYieldWithoutForegroundReturnsAtOnce(t *testing.T) {
	g := New()
	if d := g.Yield(context.Background(), time.Hour, nil); d > 100*time.Millisecond {
		t.Fatalf("an idle gate held background work for %v", d)
	}
}

func TestYieldWaitsForForeground(t *testing.T) {
	g := New()
	done := g.Foreground()
	released := make(chan time.Duration)
	go func() { released <- g.Yield(context.Background(), time.Hour, nil) }()
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
		name   string
		pause  time.Duration
		urgent func() bool
		ctx    func() context.Context
	}{
		{"longest pause", 20 * time.Millisecond, nil, context.Background},
		{"urgent", time.Hour, func() bool { return true }, context.Background},
		{"cancelled", time.Hour, nil, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := make(chan time.Duration)
			go func() { out <- g.Yield(tc.ctx(), tc.pause, tc.urgent) }()
			select {
			case <-out:
			case <-time.After(10 * time.Second):
				t.Fatal("Yield did not return")
			}
		})
	}
}
