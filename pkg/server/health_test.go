package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/triage-logs/triage/pkg/engine"
)

func TestHealthEndpoints(t *testing.T) {
	eng, err := engine.Open(t.TempDir(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	h := NewHandler(eng, Options{Token: "secret-token-0123456789", Metrics: NewMetrics(reg, reg)})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	cases := []struct {
		path     string
		closed   bool
		wantCode int
		wantBody string
	}{
		{livezPath, false, http.StatusOK, `{"status":"live"}`},
		{readyzPath, false, http.StatusOK, `{"status":"ready"}`},
		{livezPath, true, http.StatusOK, `{"status":"live"}`},
		{readyzPath, true, http.StatusServiceUnavailable, `"status":"not ready"`},
	}
	isClosed := false
	for _, c := range cases {
		if c.closed && !isClosed {
			isClosed = true
			if err := eng.Close(); err != nil {
				t.Fatal(err)
			}
		}
		code, body := get(c.path)
		if code != c.wantCode || !strings.Contains(body, c.wantBody) {
			t.Errorf("GET %s (store closed: %v) = %d %s, want %d with %s", c.path, c.closed, code, body, c.wantCode, c.wantBody)
		}
	}
}
