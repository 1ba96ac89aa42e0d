package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
)

// listenTriage serves a real engine through Listen, the socket the
// standalone server and the plugin's ingest listener use.
func listenTriage(t *testing.T, lim ListenLimits) *Listener {
	t.Helper()
	eng, err := engine.Open(t.TempDir(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	reg := prometheus.NewRegistry()
	h := NewHandler(eng, Options{Metrics: NewMetrics(reg, reg)})
	l, err := ListenWithLimits("127.0.0.1:0", "", h, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(time.Second) })
	return l
}

// rawRequest writes req on a fresh connection and reads one response.
func rawRequest(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return res
}

// A chunked body that breaks the chunked framing can never succeed: 400,
// and no Retry-After inviting the client to send it again.
func TestMalformedChunkedBodyIs400WithoutRetryAfter(t *testing.T) {
	l := listenTriage(t, ListenLimits{})
	for _, path := range []string{"/api/v1/logs/ingest", "/api/v1/_elastic/_bulk", "/loki/api/v1/push"} {
		res := rawRequest(t, l.Addr, "POST "+path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"5\r\n{\"a\":\r\nzz-not-hex\r\n1\r\n}\r\n0\r\n\r\n")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", path, res.StatusCode, body)
		}
		if ra := res.Header.Get("Retry-After"); ra != "" {
			t.Errorf("%s: Retry-After %q on a request no retry can fix", path, ra)
		}
		if !strings.Contains(string(body), "chunk") {
			t.Errorf("%s: answer %s does not name the broken chunked encoding", path, body)
		}
	}
}

// A client announcing a body over the limit with Expect: 100-continue is
// refused before it sends a byte of it.
func TestExpectContinueOverTheLimitIs413BeforeTheBody(t *testing.T) {
	l := listenTriage(t, ListenLimits{})
	for _, path := range []string{"/api/v1/logs/ingest", "/api/v1/_elastic/_bulk", "/loki/api/v1/push", "/api/v1/logs/search"} {
		res := rawRequest(t, l.Addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", path, 20<<20))
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d %s, want 413 without reading the body", path, res.StatusCode, body)
		}
	}
	// Under the limit the server still asks for the body.
	c, err := net.Dial("tcp", l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/logs/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("small body with Expect: got %q %v, want 100 Continue", line, err)
	}
}

// A client trickling its body is cut off after the body-read timeout with
// 408, instead of holding the connection forever.
func TestTricklingBodyTimesOut(t *testing.T) {
	l := listenTriage(t, ListenLimits{ReadTimeout: 500 * time.Millisecond})
	c, err := net.Dial("tcp", l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/logs/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one byte every 100 ms: never idle long, never done
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("the server never answered the trickling client: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("trickling client: %d %s, want 408", res.StatusCode, body)
	}
}

// Slow headers and idle keep-alive connections are closed by the server.
func TestSlowHeadersAndIdleConnectionsAreClosed(t *testing.T) {
	l := listenTriage(t, ListenLimits{ReadHeaderTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	closedWithin := func(c net.Conn) error {
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err := io.Copy(io.Discard, c)
		return err
	}
	slow, err := net.Dial("tcp", l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "GET /api/v1/indexes HTTP/1.1\r\nHost: x\r\n") // never finishes its headers
	if err := closedWithin(slow); err != nil {
		t.Fatalf("slow headers: connection not closed by the server: %v", err)
	}
	idle, err := net.Dial("tcp", l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /api/v1/indexes HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	_ = idle.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive connection: read %v, want EOF from the server closing it", err)
	}
}

// Connections beyond the cap wait in the kernel's backlog instead of each
// costing a goroutine and buffers: with the cap taken by idle clients, a
// new client is served only once one of them leaves.
func TestConnectionCap(t *testing.T) {
	const limit = 8
	l := listenTriage(t, ListenLimits{MaxConnections: limit, ReadHeaderTimeout: time.Minute})
	var held []net.Conn
	for i := 0; i < limit; i++ {
		c, err := net.Dial("tcp", l.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /api/v1/indexes HTTP/1.1\r\nHost: x\r\n") // holds its slot
		held = append(held, c)
	}
	extra, err := net.Dial("tcp", l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	fmt.Fprintf(extra, "GET /api/v1/indexes HTTP/1.1\r\nHost: x\r\n\r\n")
	_ = extra.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	br := bufio.NewReader(extra)
	if _, err := br.ReadByte(); err == nil {
		t.Fatalf("connection %d was served while %d others held every slot", limit+1, limit)
	}
	held[0].Close()
	_ = extra.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("after a slot freed, the waiting client got %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("waiting client: %d", res.StatusCode)
	}
}
