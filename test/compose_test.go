package test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// compose is the part of docker-compose.yaml these tests read. Docker
// cannot run here, so the tests check the file and run the generator's
// shell code against a fake ingest endpoint.
type compose struct {
	Services map[string]struct {
		Restart string   `yaml:"restart"`
		Volumes []string `yaml:"volumes"`
		Command []string `yaml:"command"`
	} `yaml:"services"`
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "docker-compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yaml: %v", err)
	}
	return c
}

func TestComposeCachesBuildsAndRestarts(t *testing.T) {
	c := loadCompose(t)
	for _, name := range []string{"backend", "generator"} {
		found := false
		for _, v := range c.Services[name].Volumes {
			found = found || strings.HasSuffix(v, ":/root/.cache/go-build")
		}
		if !found {
			t.Errorf("service %s keeps no Go build cache, so every up compiles from scratch", name)
		}
	}
	for name, want := range map[string]string{"grafana": "unless-stopped", "generator": "on-failure"} {
		if got := c.Services[name].Restart; got != want {
			t.Errorf("service %s restart = %q, want %q", name, got, want)
		}
	}
}

// The generator's send() must wait out 429 and 5xx (the plugin's answer when
// its buffer is full or it is starting) instead of stopping at the first one.
func TestComposeGeneratorRetriesOverload(t *testing.T) {
	cmd := loadCompose(t).Services["generator"].Command
	script := cmd[len(cmd)-1]
	start := strings.Index(script, "send() {")
	end := strings.Index(script, "deploy() {")
	if start < 0 || end < start {
		t.Fatal("the generator has no send() function before deploy()")
	}
	// Compose turns $$ into $.
	send := strings.ReplaceAll(script[start:end], "$$", "$")
	cases := []struct {
		name     string
		answers  []int
		wantExit int
		minWait  time.Duration
	}{
		{"overloaded, then accepted", []int{429, 503, 200}, 0, 3 * time.Second}, // 1 s, then 2 s
		{"a request retrying cannot fix", []int{400}, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Query().Get("commit") != "auto" {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				w.WriteHeader(c.answers[min(n, len(c.answers)-1)])
			}))
			defer srv.Close()
			batch := filepath.Join(t.TempDir(), "batch.ndjson")
			if err := os.WriteFile(batch, ndjson(0, 3), 0o644); err != nil {
				t.Fatal(err)
			}
			sh := exec.Command("sh", "-c", send+"\nsend \"$1\"", "sh", batch)
			sh.Env = append(os.Environ(), "TOKEN=tok", "INGEST="+srv.URL+"/api/v1/logs/ingest")
			started := time.Now()
			out, err := sh.CombinedOutput()
			exit := 0
			if err != nil {
				exit = sh.ProcessState.ExitCode()
			}
			if exit != c.wantExit || int(calls.Load()) != len(c.answers) || time.Since(started) < c.minWait {
				t.Fatalf("send exited %d after %d requests in %s, want %d after %d in at least %s\n%s",
					exit, calls.Load(), time.Since(started).Round(time.Millisecond), c.wantExit, len(c.answers), c.minWait, out)
			}
		})
	}
}
