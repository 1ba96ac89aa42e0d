package victorialogs

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is one running victoria-logs process.
type Server struct {
	// URL is its HTTP address, e.g. http://127.0.0.1:41234.
	URL string
	// Addr is host:port of URL.
	Addr string
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{}
	err  error
}

// Start runs victoria-logs with its data in dataDir on a free loopback
// port, with extra flags (for example -storageNode=... for a vlinsert or
// vlselect), and returns once it answers /health.
func Start(ctx context.Context, dataDir string, flags ...string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create VictoriaLogs data dir %s: %w", dataDir, err)
	}
	args := append([]string{
		"-httpListenAddr=" + addr,
		"-storageDataPath=" + filepath.Join(dataDir, "data"),
		"-retentionPeriod=100y",
		"-loggerLevel=WARN",
	}, flags...)
	s := &Server{URL: "http://" + addr, Addr: addr, log: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	if err := s.waitHealthy(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Pid is the process id, for measuring its CPU and memory.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Log is what the process printed so far, for failure messages.
func (s *Server) Log() string { return s.log.String() }

// Stop ends the process gracefully, killing it after ten seconds.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *Server) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	client := http.Client{Timeout: time.Second}
	for {
		select {
		case <-s.done:
			return fmt.Errorf("victoria-logs on %s exited before it was healthy (%v):\n%s", s.Addr, s.err, s.Log())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		res, err := client.Get(s.URL + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("victoria-logs on %s not healthy after 30s (last error %v):\n%s", s.Addr, err, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr picks a free loopback port. The port is released before
// victoria-logs binds it; a race with another process is possible but rare
// on a test machine, and Start then fails with the server's own message.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep the last 64 KiB: enough to explain a failure.
	if b.buf.Len() > 64<<10 {
		rest := b.buf.Bytes()[b.buf.Len()-32<<10:]
		b.buf.Reset()
		b.buf.Write(rest)
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
