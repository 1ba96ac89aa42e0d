package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRunFileMode(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantLines int
		wantErr   string
	}{
		{"count", []string{"-n", "100", "-seed", "2"}, 100, ""},
		{"start and span", []string{"-n", "10", "-start", "2026-02-01T00:00:00Z", "-span", "1h"}, 10, ""},
		{"bad start", []string{"-n", "10", "-start", "yesterday"}, 0, "RFC 3339"},
		{"bad service", []string{"-n", "10", "-incident-service", "x"}, 0, `"x"`},
		{"stray argument", []string{"-n", "10", "extra"}, 0, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, &out, &errOut)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("run error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(out.String(), "\n"); got != tt.wantLines {
				t.Fatalf("%d lines, want %d", got, tt.wantLines)
			}
		})
	}
}

func TestRunLiveMode(t *testing.T) {
	var lines atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		lines.Add(int64(bytes.Count(b, []byte("\n"))))
	}))
	defer ts.Close()
	var errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", ts.URL, "-rate", "1000000", "-batch", "300", "-n", "1000"}, io.Discard, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if lines.Load() != 1000 {
		t.Fatalf("server got %d events, want 1000", lines.Load())
	}
	if !strings.Contains(errOut.String(), "total 1000 events") {
		t.Fatalf("no final summary in %q", errOut.String())
	}
}
