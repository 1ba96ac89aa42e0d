// Package clients drives Triage's standalone server with clients nobody
// here wrote: the official go-elasticsearch v7, v8 and v9 (bulk indexer,
// Search, Msearch, Count, FieldCaps) and rsyslog's omelasticsearch from
// Debian, each writing and reading back through a server process the test
// starts, kills with SIGKILL and restarts, and overloads for real.
//
// The server is this test binary re-executed in server mode: the same
// engine.Open, server.NewHandler and server.Listen that `gpx_triage
// serve` runs, with the engine's in-memory buffer made small enough that
// a burst of bulk requests overflows it (serve has no flag for that).
package clients

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/server"
)

const serverModeEnv = "TRIAGE_CLIENTS_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(serverModeEnv) != "" {
		os.Exit(runServer())
	}
	os.Exit(m.Run())
}

// runServer is the child process: a standalone server on the address and
// data directory the parent chose, until SIGTERM (or SIGKILL).
func runServer() int {
	maxBuffer, _ := strconv.ParseInt(os.Getenv("TRIAGE_CLIENTS_MAX_BUFFER"), 10, 64)
	flushBytes, _ := strconv.ParseInt(os.Getenv("TRIAGE_CLIENTS_FLUSH_BYTES"), 10, 64)
	// A full buffer is refused at once rather than waited out: waiting
	// absorbs most bursts, and whether one then overflows would depend on
	// the machine's load, while these tests are about the 429s clients get.
	eng, err := engine.Open(os.Getenv("TRIAGE_CLIENTS_DATA"), engine.Options{MaxBufferBytes: maxBuffer, FlushBytes: flushBytes, AdmissionWait: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open store:", err)
		return 1
	}
	l, err := server.Listen(os.Getenv(serverModeEnv), "", server.NewHandler(eng, server.Options{}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		eng.Close()
		return 1
	}
	fmt.Printf("LISTENING %s\n", l.Addr)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	l.Close(5 * time.Second)
	if err := eng.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close store:", err)
		return 1
	}
	return 0
}

// serverOptions size the child's engine; zero keeps the engine's defaults.
type serverOptions struct {
	maxBufferBytes int64
	flushBytes     int64
}

// testServer is a child server process on a fixed address and data
// directory, so it can be killed and started again where clients expect it.
type testServer struct {
	t    *testing.T
	addr string
	dir  string
	opts serverOptions

	mu  sync.Mutex
	cmd *exec.Cmd
}

func startServer(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	s := &testServer{t: t, addr: freeAddr(t), dir: t.TempDir(), opts: opts}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (s *testServer) url() string { return "http://" + s.addr }

func (s *testServer) start() {
	s.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), serverModeEnv+"="+s.addr, "TRIAGE_CLIENTS_DATA="+s.dir,
		"TRIAGE_CLIENTS_MAX_BUFFER="+strconv.FormatInt(s.opts.maxBufferBytes, 10),
		"TRIAGE_CLIENTS_FLUSH_BYTES="+strconv.FormatInt(s.opts.flushBytes, 10))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	// The port was free a moment ago; a restart may find it in TIME_WAIT
	// for a while, so binding is retried.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := cmd.Start(); err != nil {
			s.t.Fatal(err)
		}
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "LISTENING ") {
					ready <- true
					return
				}
			}
			ready <- false
		}()
		if <-ready {
			break
		}
		cmd.Wait()
		if time.Now().After(deadline) {
			s.t.Fatalf("server did not start on %s within 30 s", s.addr)
		}
		time.Sleep(200 * time.Millisecond)
		cmd = exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), serverModeEnv+"="+s.addr, "TRIAGE_CLIENTS_DATA="+s.dir,
			"TRIAGE_CLIENTS_MAX_BUFFER="+strconv.FormatInt(s.opts.maxBufferBytes, 10),
			"TRIAGE_CLIENTS_FLUSH_BYTES="+strconv.FormatInt(s.opts.flushBytes, 10))
		cmd.Stderr = os.Stderr
		if out, err = cmd.StdoutPipe(); err != nil {
			s.t.Fatal(err)
		}
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
}

// kill ends the server with SIGKILL: no flush, no goodbye, requests in
// flight cut off.
func (s *testServer) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// restart kills the server mid-stream and starts it again on the same
// address and store.
func (s *testServer) restart(pause time.Duration) {
	s.kill()
	time.Sleep(pause)
	s.start()
}

func (s *testServer) stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// statusCounter is an http.RoundTripper that counts answers by status, so
// a test can show that overload (429) really happened.
type statusCounter struct {
	mu     sync.Mutex
	counts map[int]int
	errors int
	// cutBulkAnswer, when > 0, cuts the body of that (1-based) _bulk
	// answer in half, as a SIGKILL between two writes of the answer does:
	// the server stored the documents, the client never learns it.
	cutBulkAnswer, bulkAnswers int
}

func newStatusCounter() *statusCounter { return &statusCounter{counts: map[int]int{}} }

func (c *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.errors++
		return nil, err
	}
	c.counts[res.StatusCode]++
	if strings.HasSuffix(r.URL.Path, "/_bulk") && res.StatusCode == http.StatusOK {
		c.bulkAnswers++
		if c.bulkAnswers == c.cutBulkAnswer {
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				return nil, err
			}
			res.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{io.ErrUnexpectedEOF}))
		}
	}
	return res, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func (c *statusCounter) count(status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[status]
}

func (c *statusCounter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("statuses %v, transport errors %d", c.counts, c.errors)
}
