package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBindAddress(t *testing.T) {
	tests := []struct {
		addr, token string
		wantBind    string
		wantWarning bool
		wantErr     bool
	}{
		{addr: "127.0.0.1:7280", wantBind: "127.0.0.1:7280"},
		{addr: "localhost:7280", wantBind: "localhost:7280"},
		{addr: "[::1]:7280", wantBind: "[::1]:7280"},
		{addr: "0.0.0.0:7280", wantBind: "127.0.0.1:7280", wantWarning: true},
		{addr: ":7280", wantBind: "127.0.0.1:7280", wantWarning: true},
		{addr: "10.1.2.3:7280", wantBind: "127.0.0.1:7280", wantWarning: true},
		{addr: "0.0.0.0:7280", token: "t", wantBind: "0.0.0.0:7280"},
		{addr: "7280", wantErr: true},
	}
	for _, tt := range tests {
		bind, warning, err := bindAddress(tt.addr, tt.token)
		if (err != nil) != tt.wantErr {
			t.Errorf("bindAddress(%q, %q) error = %v, want error %v", tt.addr, tt.token, err, tt.wantErr)
			continue
		}
		if bind != tt.wantBind || (warning != "") != tt.wantWarning {
			t.Errorf("bindAddress(%q, %q) = %q, %q; want %q, warning %v", tt.addr, tt.token, bind, warning, tt.wantBind, tt.wantWarning)
		}
		if tt.wantWarning && !strings.Contains(warning, "no ingest token") {
			t.Errorf("warning %q does not say why", warning)
		}
	}
}

func TestListenerSwapsHandlerWithoutClosingTheSocket(t *testing.T) {
	text := func(s string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, s) })
	}
	l, err := Listen("127.0.0.1:0", "", text("first"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(time.Second)
	get := func() string {
		res, err := http.Get("http://" + l.Addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	if got := get(); got != "first" {
		t.Fatalf("got %q, want first", got)
	}
	l.SetHandler(text("second"))
	if got := get(); got != "second" {
		t.Fatalf("after SetHandler got %q, want second", got)
	}
	if err := l.Close(time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + l.Addr + "/"); err == nil {
		t.Fatal("listener still answers after Close")
	}
}
