package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// freeLoopbackAddr picks a free port on 127.0.0.1 for a server to bind.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHTTP polls url until it answers 200, the process exits (done) or a
// minute passes; log explains a failure.
func waitHTTP(ctx context.Context, url string, done <-chan struct{}, log fmt.Stringer) error {
	deadline := time.Now().Add(time.Minute)
	client := http.Client{Timeout: time.Second}
	for {
		select {
		case <-done:
			return fmt.Errorf("exited before answering %s:\n%s", url, log)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s within a minute (last error %v):\n%s", url, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tailBuffer keeps the last 64 KiB a process printed, to explain failures.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 {
		rest := bytes.Clone(b.buf.Bytes()[b.buf.Len()-32<<10:])
		b.buf.Reset()
		b.buf.Write(rest)
	}
	return b.buf.Write(p)
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
