package test

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// allPlatforms are the executables of a catalog package (`mage package`).
const allPlatforms = "linux/amd64,linux/arm64,linux/arm,darwin/amd64,darwin/arm64,windows/amd64"

const packageTop = "triage-logs-datasource/"

// openPackage opens the zip `mage test` or `mage package` built and returns
// its files by path under the single top folder.
func openPackage(t *testing.T) map[string]*zip.File {
	t.Helper()
	zipPath := os.Getenv("TRIAGE_PACKAGE_ZIP")
	if zipPath == "" {
		t.Skip("TRIAGE_PACKAGE_ZIP is not set; `mage test` and `mage package` build the package and set it")
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("open %s: %v", zipPath, err)
	}
	t.Cleanup(func() { zr.Close() })
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, packageTop) {
			t.Errorf("%s is outside the single top folder %s", f.Name, packageTop)
		}
		files[strings.TrimPrefix(f.Name, packageTop)] = f
	}
	return files
}

// pluginManifest is the part of plugin.json these tests read.
type pluginManifest struct {
	ID         string `json:"id"`
	Executable string `json:"executable"`
	Backend    bool   `json:"backend"`
	Info       struct {
		Version string `json:"version"`
		Updated string `json:"updated"`
		Logos   struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Links []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
		Screenshots []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"screenshots"`
	} `json:"info"`
}

// TestPackageInstallsAsGrafanaCLIExpects checks the zip's layout: one top
// folder named after the plugin id, plugin.json with the id, executable and a
// filled-in version and date, the frontend, the catalog page, the logo and
// screenshots plugin.json names, and this platform's executable with its
// run bit, which is what `grafana-cli --pluginUrl <zip> plugins install`
// unpacks.
func TestPackageInstallsAsGrafanaCLIExpects(t *testing.T) {
	files := openPackage(t)
	for _, name := range []string{"plugin.json", "module.js", "LICENSE", "README.md", "CHANGELOG.md", "go_plugin_build_manifest"} {
		if files[name] == nil {
			t.Errorf("package has no %s", name)
		}
	}
	var manifest pluginManifest
	readJSON(t, files["plugin.json"], &manifest)
	if manifest.ID != "triage-logs-datasource" || manifest.Executable != "gpx_triage" || !manifest.Backend {
		t.Errorf("plugin.json = %+v, want id triage-logs-datasource, executable gpx_triage, backend", manifest)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(manifest.Info.Version) {
		t.Errorf("plugin.json version %q was not filled in by the build", manifest.Info.Version)
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(manifest.Info.Updated) {
		t.Errorf("plugin.json updated %q is not a date", manifest.Info.Updated)
	}
	images := []string{manifest.Info.Logos.Small, manifest.Info.Logos.Large}
	for _, s := range manifest.Info.Screenshots {
		images = append(images, s.Path)
	}
	if len(manifest.Info.Screenshots) == 0 {
		t.Error("plugin.json lists no screenshots for the catalog page")
	}
	for _, img := range images {
		if f := files[img]; f == nil || f.UncompressedSize64 == 0 {
			t.Errorf("plugin.json names %q but the package has no such file", img)
		}
	}
	if len(manifest.Info.Links) < 3 {
		t.Errorf("plugin.json links = %+v, want documentation, issues and source", manifest.Info.Links)
	}
	changelog := readAll(t, files["CHANGELOG.md"])
	if !strings.Contains(changelog, "## "+manifest.Info.Version+" ") {
		t.Errorf("CHANGELOG.md has no section for version %s:\n%s", manifest.Info.Version, changelog)
	}
	readme := readAll(t, files["README.md"])
	if strings.Contains(readme, "see the project README") || strings.Contains(readme, "%VERSION%") {
		t.Errorf("the catalog README is not written for Grafana users:\n%s", readme)
	}
	exe := files[executableName(runtime.GOOS, runtime.GOARCH)]
	if exe == nil {
		t.Fatalf("package has no %s/%s executable", runtime.GOOS, runtime.GOARCH)
	}
	if exe.Mode()&0o111 == 0 {
		t.Errorf("executable mode %v has no run bit", exe.Mode())
	}
}

// TestPackageExecutablesMatchPlatforms reads each executable's header and
// checks it was built for the platform its name promises, and that the
// package holds exactly the platforms it was built for
// (TRIAGE_PACKAGE_PLATFORMS, default all six of a catalog package).
func TestPackageExecutablesMatchPlatforms(t *testing.T) {
	files := openPackage(t)
	want := os.Getenv("TRIAGE_PACKAGE_PLATFORMS")
	if want == "" {
		want = allPlatforms
	}
	expected := map[string]string{}
	for _, p := range strings.Split(want, ",") {
		goos, goarch, _ := strings.Cut(p, "/")
		expected[executableName(goos, goarch)] = p
	}
	for name := range files {
		if strings.HasPrefix(name, "gpx_") && expected[name] == "" {
			t.Errorf("package holds %s, which is not one of the platforms built (%s)", name, want)
		}
	}
	for name, p := range expected {
		t.Run(p, func(t *testing.T) {
			f := files[name]
			if f == nil {
				t.Fatalf("package has no %s", name)
			}
			if f.Mode()&0o111 == 0 {
				t.Errorf("%s has mode %v, without the run bit", name, f.Mode())
			}
			got, err := executablePlatform([]byte(readAll(t, f)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got != p {
				t.Errorf("%s is an executable for %s, want %s", name, got, p)
			}
		})
	}
}

func executableName(goos, goarch string) string {
	name := "gpx_triage_" + goos + "_" + goarch
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// executablePlatform names the GOOS/GOARCH an executable was linked for,
// from its ELF, Mach-O or PE header.
func executablePlatform(b []byte) (string, error) {
	r := bytes.NewReader(b)
	if f, err := elf.NewFile(r); err == nil {
		arch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64", elf.EM_ARM: "arm"}[f.Machine]
		if f.Type != elf.ET_EXEC || arch == "" || (f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX) {
			return "", fmt.Errorf("ELF %v %v for %v is not a Linux executable Triage ships", f.Type, f.Machine, f.OSABI)
		}
		return "linux/" + arch, nil
	}
	if f, err := macho.NewFile(r); err == nil {
		arch := map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
		if f.Type != macho.TypeExec || arch == "" {
			return "", fmt.Errorf("Mach-O %v for %v is not a macOS executable Triage ships", f.Type, f.Cpu)
		}
		return "darwin/" + arch, nil
	}
	if f, err := pe.NewFile(r); err == nil {
		arch := map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
		if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || arch == "" {
			return "", fmt.Errorf("PE machine %#x, characteristics %#x: not a Windows executable Triage ships", f.Machine, f.Characteristics)
		}
		return "windows/" + arch, nil
	}
	return "", fmt.Errorf("neither ELF, Mach-O nor PE (starts with %q)", b[:min(8, len(b))])
}

func readAll(t *testing.T, f *zip.File) string {
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
	return string(raw)
}

func readJSON(t *testing.T, f *zip.File, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(readAll(t, f)), v); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
}
