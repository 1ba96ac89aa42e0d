package loadgen

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Backoff paces retries of one batch. Delays follow a Fibonacci sequence
// of Initial up to Max, as Vector's sinks do; a Retry-After header on the
// response takes precedence (capped at MaxRetryAfter).
type Backoff struct {
	Initial       time.Duration
	Max           time.Duration
	MaxRetryAfter time.Duration
}

// DefaultBackoff mirrors Vector's defaults (1 s initial, 30 s cap).
var DefaultBackoff = Backoff{Initial: time.Second, Max: 30 * time.Second, MaxRetryAfter: 5 * time.Minute}

// retryableStatus reports whether a response status means "try again":
// 408, 429 and 5xx except 501, the set Vector's http sink retries.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests ||
		(code >= 500 && code != http.StatusNotImplemented)
}

// fibonacci yields Initial, Initial, 2×Initial, 3×Initial, 5×Initial …
// capped at Max.
type fibonacci struct {
	b          Backoff
	prev, curr time.Duration
}

func (f *fibonacci) next() time.Duration {
	if f.curr == 0 {
		f.prev, f.curr = 0, f.b.Initial
	}
	d := f.curr
	f.prev, f.curr = f.curr, min(f.prev+f.curr, f.b.Max)
	return min(d, f.b.Max)
}

// retryAfter parses a Retry-After header (delay-seconds or an HTTP date);
// ok is false when absent or unparsable.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
