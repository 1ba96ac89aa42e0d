package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCatalogRecovery(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, root string)
		wantIDs string
		wantErr string
	}{
		{"empty store gets logs", func(*testing.T, string) {}, "logs", ""},
		{"interrupted create is dropped", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, catalogDir, catalogTempPrefix+"app-1", indexWALDir), 0o755)
		}, "logs", ""},
		{"config naming another index", func(t *testing.T, root string) {
			cfg := DefaultIndexConfig()
			cfg.IndexID = "other"
			dir := indexDir(root, "renamed")
			os.MkdirAll(dir, 0o755)
			if err := writeIndexConfig(dir, cfg); err != nil {
				t.Fatal(err)
			}
		}, "", `names index "other"`},
		{"damaged config", func(t *testing.T, root string) {
			dir := indexDir(root, "app")
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, indexConfigFile), []byte(`{"index_id":`), 0o644)
		}, "", "invalid index config"},
		{"unexpected file in WAL directory", func(t *testing.T, root string) {
			if err := createIndexDir(root, DefaultIndexConfig()); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(indexDir(root, "logs"), indexWALDir, "notes.wal"), nil, 0o644)
		}, "", "unexpected file notes.wal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tc.setup(t, root)
			e, err := Open(root, testOptions())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if got := strings.Join(e.ListIndexes(), ","); got != tc.wantIDs {
				t.Fatalf("indexes = %s, want %s", got, tc.wantIDs)
			}
			entries, _ := os.ReadDir(filepath.Join(root, catalogDir))
			for _, ent := range entries {
				if strings.HasPrefix(ent.Name(), catalogTempPrefix) {
					t.Fatalf("leftover %s not removed", ent.Name())
				}
			}
		})
	}
}

func TestCreateIndexDirRefusesExisting(t *testing.T) {
	root := t.TempDir()
	if err := createIndexDir(root, DefaultIndexConfig()); err != nil {
		t.Fatal(err)
	}
	if err := createIndexDir(root, DefaultIndexConfig()); !errors.Is(err, ErrIndexExists) {
		t.Fatalf("second create: %v", err)
	}
}
