// Package pluginzip writes the plugin's zip archives so that the same files
// always give the same bytes: Grafana's catalog and anyone checking a
// release compare checksums, and a zip that records each build's file times,
// walk order or umask differs on every build.
package pluginzip

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// File modes stored in the archive: grafana-cli keeps them when it unpacks,
// so the executables must carry their run bit whatever the builder's umask.
const (
	executableMode fs.FileMode = 0o755
	regularMode    fs.FileMode = 0o644
)

// Options says what goes into one archive.
type Options struct {
	// Top is the single folder every entry sits under (the plugin id).
	Top string
	// Modified is the time stamped on every entry, e.g. the commit's time.
	Modified time.Time
	// Include, when set, keeps only the files (paths relative to the source
	// directory, slash-separated) for which it returns true.
	Include func(rel string) bool
	// Executable tells which files get mode 0755; every other file gets 0644.
	Executable func(rel string) bool
}

// Write stores the files under srcDir in zipPath as Top/<relative path>,
// sorted by name, each dated opts.Modified and deflated.
func Write(zipPath, srcDir string, opts Options) (err error) {
	if opts.Top == "" || strings.ContainsAny(opts.Top, `/\`) {
		return fmt.Errorf("zip %s: top folder %q must be one path element", zipPath, opts.Top)
	}
	names, err := listFiles(srcDir, opts.Include)
	if err != nil {
		return fmt.Errorf("zip %s: %w", zipPath, err)
	}
	if len(names) == 0 {
		return fmt.Errorf("zip %s: no files to store from %s", zipPath, srcDir)
	}
	if err := os.MkdirAll(filepath.Dir(zipPath), 0o755); err != nil {
		return err
	}
	out, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(zipPath)
		}
	}()
	zw := zip.NewWriter(out)
	for _, rel := range names {
		mode := regularMode
		if opts.Executable != nil && opts.Executable(rel) {
			mode = executableMode
		}
		if err := addFile(zw, filepath.Join(srcDir, filepath.FromSlash(rel)), opts.Top+"/"+rel, mode, opts.Modified); err != nil {
			return fmt.Errorf("zip %s: add %s: %w", zipPath, rel, err)
		}
	}
	return zw.Close()
}

// listFiles returns the slash-separated relative paths of the regular files
// under dir that include accepts, sorted.
func listFiles(dir string, include func(string) bool) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if include == nil || include(rel) {
			names = append(names, rel)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

func addFile(zw *zip.Writer, path, name string, mode fs.FileMode, modified time.Time) error {
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()}
	hdr.SetMode(mode)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return errors.Join(err, f.Close())
}
