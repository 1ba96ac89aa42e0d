package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
)

// TestProfilingOnlyWhenAskedAndBehindToken: serve -pprof exposes the
// runtime's profiles, and only to a caller with the API's token.
func TestProfilingOnlyWhenAskedAndBehindToken(t *testing.T) {
	const token = "profiling-test-token-0123456789abcdef"
	eng, err := engine.Open(t.TempDir(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	for _, tc := range []struct {
		name      string
		profiling bool
		token     string
		sent      string
		want      int
	}{
		{"off", false, "", "", http.StatusNotFound},
		{"on", true, "", "", http.StatusOK},
		{"on, token missing", true, token, "", http.StatusUnauthorized},
		{"on, token sent", true, token, token, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			srv := httptest.NewServer(NewHandler(eng, Options{Token: tc.token, Metrics: NewMetrics(reg, reg), Profiling: tc.profiling}))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/debug/pprof/heap?debug=1", nil)
			if tc.sent != "" {
				req.Header.Set("Authorization", "Bearer "+tc.sent)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("GET /debug/pprof/heap: %d, want %d: %s", res.StatusCode, tc.want, body)
			}
			if tc.want == http.StatusOK && !strings.Contains(string(body), "heap profile:") {
				t.Fatalf("not a heap profile: %.200s", body)
			}
		})
	}
}

func TestServeFlagPprof(t *testing.T) {
	for _, args := range [][]string{{}, {"-pprof"}} {
		cfg, err := ParseServeFlags(append(args, "-data", t.TempDir()), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Profiling != (len(args) == 1) {
			t.Fatalf("%v: Profiling %v", args, cfg.Profiling)
		}
	}
}
