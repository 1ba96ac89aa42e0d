package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
)

func TestCheckToken(t *testing.T) {
	tests := []struct {
		token string
		want  string // "" = accepted
	}{
		{"", ""},
		{"0123456789abcdef", ""},
		{"a token with inner spaces 123", ""},
		{" ", "whitespace"},
		{"\t \n", "whitespace"},
		{" 0123456789abcdef", "whitespace"},
		{"0123456789abcdef\n", "whitespace"},
		{"short", "at least 16"},
		{"0123456789abcde", "at least 16"},
		{"0123456789\x00abcdef", "control"},
	}
	for _, tt := range tests {
		err := CheckToken(tt.token)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckToken(%q) = %v, want accepted", tt.token, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckToken(%q) = %v, want an error mentioning %q", tt.token, err, tt.want)
		}
	}
}

// A weak token stops the server at start-up, before it binds anything:
// `--token " "` used to bind 0.0.0.0 and let a blank password in.
func TestServeRefusesWeakTokens(t *testing.T) {
	for _, token := range []string{" ", "short"} {
		_, err := ParseServeFlags([]string{"-listen", "0.0.0.0:0", "-token", token, "-data", t.TempDir()}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "token") {
			t.Errorf("serve -token %q: %v, want a start-up error about the token", token, err)
		}
		if _, err := Listen("0.0.0.0:0", token, http.NotFoundHandler()); err == nil {
			t.Errorf("Listen with token %q bound a socket", token)
		}
	}
}

// nonLoopbackIP finds an address of this machine that is not loopback, so
// a request can reach the listener as a remote client would.
func nonLoopbackIP(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address on this machine")
	return ""
}

// /metrics names every index: beyond loopback it wants the token, while a
// local Prometheus agent scrapes it without one.
func TestMetricsNeedTheTokenBeyondLoopback(t *testing.T) {
	remote := nonLoopbackIP(t)
	eng, err := engine.Open(t.TempDir(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	const token = "metrics-test-token-0123456789"
	reg := prometheus.NewRegistry()
	l, err := Listen("0.0.0.0:0", token, NewHandler(eng, Options{Token: token, Metrics: NewMetrics(reg, reg)}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(time.Second)
	_, port, _ := net.SplitHostPort(l.Addr)
	get := func(host, auth string) int {
		req, _ := http.NewRequest("GET", "http://"+net.JoinHostPort(host, port)+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	tests := []struct {
		host, auth string
		want       int
	}{
		{"127.0.0.1", "", 200},
		{remote, "", 401},
		{remote, "Basic dTog", 401}, // u:<space>
		{remote, "Bearer wrong-token-0123456789", 401},
		{remote, "Bearer " + token, 200},
	}
	for _, tt := range tests {
		if got := get(tt.host, tt.auth); got != tt.want {
			t.Errorf("GET /metrics from %s with %q: %d, want %d", tt.host, tt.auth, got, tt.want)
		}
	}
}

func TestServeLimitFlags(t *testing.T) {
	cfg, err := ParseServeFlags([]string{"-query-timeout", "5s", "-max-query-clauses", "64", "-max-connections", "10", "-data", t.TempDir()}, io.Discard)
	if err != nil || cfg.Limits.Timeout != 5*time.Second || cfg.Limits.MaxClauses != 64 || cfg.ListenLimits.MaxConnections != 10 {
		t.Fatalf("%+v, %v", cfg, err)
	}
	for _, name := range limitFlags {
		if _, err := ParseServeFlags([]string{"-" + name, "0", "-data", t.TempDir()}, io.Discard); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("-%s 0: %v, want an error naming the flag", name, err)
		}
	}
}
