package pluginzip

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var commitTime = time.Date(2026, 1, 15, 14, 25, 0, 0, time.UTC)

// writeTree lays out files with the given permission and modification time,
// in the given creation order, as two builds on two machines would.
func writeTree(t *testing.T, files []string, perm os.FileMode, mtime time.Time) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("content of "+name), perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func isExecutable(rel string) bool { return strings.HasPrefix(rel, "gpx_") }

func TestWriteIsReproducible(t *testing.T) {
	files := []string{"plugin.json", "module.js", "img/logo.svg", "gpx_triage_linux_amd64", "gpx_triage_windows_amd64.exe"}
	reversed := []string{files[4], files[3], files[2], files[1], files[0]}
	first := writeTree(t, files, 0o644, time.Now())
	second := writeTree(t, reversed, 0o600, time.Now().Add(-48*time.Hour))
	opts := Options{Top: "triage-logs-datasource", Modified: commitTime, Executable: isExecutable}
	a, b := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
	if err := Write(a, first, opts); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, second, opts); err != nil {
		t.Fatal(err)
	}
	ra, _ := os.ReadFile(a)
	rb, _ := os.ReadFile(b)
	if !bytes.Equal(ra, rb) {
		t.Fatalf("the same files gave two different archives (%d and %d bytes)", len(ra), len(rb))
	}
	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(commitTime) {
			t.Errorf("%s is dated %v, want %v", f.Name, f.Modified, commitTime)
		}
		want := os.FileMode(0o644)
		if isExecutable(strings.TrimPrefix(f.Name, "triage-logs-datasource/")) {
			want = 0o755
		}
		if f.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", f.Name, f.Mode().Perm(), want)
		}
	}
	wantNames := "triage-logs-datasource/gpx_triage_linux_amd64 triage-logs-datasource/gpx_triage_windows_amd64.exe " +
		"triage-logs-datasource/img/logo.svg triage-logs-datasource/module.js triage-logs-datasource/plugin.json"
	if got := strings.Join(names, " "); got != wantNames {
		t.Errorf("entries = %s\nwant      %s", got, wantNames)
	}
}

func TestWriteInclude(t *testing.T) {
	dir := writeTree(t, []string{"plugin.json", "gpx_triage_linux_amd64", "gpx_triage_linux_arm64"}, 0o755, commitTime)
	out := filepath.Join(t.TempDir(), "p.zip")
	err := Write(out, dir, Options{Top: "p", Modified: commitTime, Include: func(rel string) bool { return rel != "gpx_triage_linux_arm64" }})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 2 || zr.File[0].Name != "p/gpx_triage_linux_amd64" || zr.File[1].Name != "p/plugin.json" {
		t.Errorf("entries = %v, want the amd64 executable and plugin.json", zr.File)
	}
}

func TestWriteRejects(t *testing.T) {
	dir := writeTree(t, []string{"plugin.json"}, 0o644, commitTime)
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"nested top", Options{Top: "a/b"}, "one path element"},
		{"nothing included", Options{Top: "p", Include: func(string) bool { return false }}, "no files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.zip")
			err := Write(out, dir, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Write = %v, want an error containing %q", err, c.want)
			}
			if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
				t.Errorf("a failed Write left %s behind", out)
			}
		})
	}
}
