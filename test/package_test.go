package test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestPackageInstallsAsGrafanaCLIExpects checks the zip `mage package` made:
// one top folder named after the plugin id, plugin.json with the id and
// executable, the frontend's module.js, and the executable with its run bit,
// which is the layout `grafana-cli --pluginUrl <zip> plugins install` unpacks.
func TestPackageInstallsAsGrafanaCLIExpects(t *testing.T) {
	zipPath := os.Getenv("TRIAGE_PACKAGE_ZIP")
	if zipPath == "" {
		t.Skip("TRIAGE_PACKAGE_ZIP is not set; `mage test` builds the package and sets it")
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("open %s: %v", zipPath, err)
	}
	defer zr.Close()
	const top = "triage-logs-datasource/"
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, top) {
			t.Errorf("%s is outside the single top folder %s", f.Name, top)
		}
		files[strings.TrimPrefix(f.Name, top)] = f
	}
	for _, name := range []string{"plugin.json", "module.js", "LICENSE", "img/logo.svg"} {
		if files[name] == nil {
			t.Errorf("package has no %s", name)
		}
	}
	var manifest struct {
		ID         string `json:"id"`
		Executable string `json:"executable"`
		Backend    bool   `json:"backend"`
		Info       struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	readJSON(t, files["plugin.json"], &manifest)
	if manifest.ID != "triage-logs-datasource" || manifest.Executable != "gpx_triage" || !manifest.Backend {
		t.Errorf("plugin.json = %+v, want id triage-logs-datasource, executable gpx_triage, backend", manifest)
	}
	if manifest.Info.Version == "" || strings.Contains(manifest.Info.Version, "%") {
		t.Errorf("plugin.json version %q was not filled in by the build", manifest.Info.Version)
	}
	exe := files["gpx_triage_"+runtime.GOOS+"_"+runtime.GOARCH]
	if exe == nil {
		t.Fatalf("package has no %s/%s executable", runtime.GOOS, runtime.GOARCH)
	}
	if exe.Mode()&0o111 == 0 {
		t.Errorf("executable mode %v has no run bit", exe.Mode())
	}
	if exe.UncompressedSize64 < 1<<20 {
		t.Errorf("executable is only %d bytes", exe.UncompressedSize64)
	}
}

func readJSON(t *testing.T, f *zip.File, v any) {
	t.Helper()
	if f == nil {
		t.Fatal("missing file")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
}
