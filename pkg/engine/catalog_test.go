package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
)

func TestCatalogRecovery(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, root string)
		wantIDs string
		// unavailable names an index that must not open, and what its
		// error must say; the others open regardless.
		unavailable, wantErr string
		damage               quarantine.DamageKind
	}{
		{name: "empty store gets logs", setup: func(*testing.T, string) {}, wantIDs: "logs"},
		{name: "interrupted create is dropped", setup: func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, catalogDir, catalogTempPrefix+"app-1", indexWALDir), 0o755)
		}, wantIDs: "logs"},
		{name: "config naming another index", setup: func(t *testing.T, root string) {
			cfg := DefaultIndexConfig()
			cfg.IndexID = "other"
			dir := indexDir(root, "renamed")
			os.MkdirAll(dir, 0o755)
			if err := writeIndexConfig(dir, cfg); err != nil {
				t.Fatal(err)
			}
		}, wantIDs: "logs,renamed", unavailable: "renamed", wantErr: `names index "other"`},
		{name: "damaged config without a backup", setup: func(t *testing.T, root string) {
			dir := indexDir(root, "app")
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, indexConfigFile), []byte(`{"index_id":`), 0o644)
		}, wantIDs: "app,logs", unavailable: "app", wantErr: "invalid index config"},
		{name: "damaged default config without a backup", setup: func(t *testing.T, root string) {
			dir := indexDir(root, DefaultIndexID)
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, indexConfigFile), []byte(`{"index_id":`), 0o644)
		}, wantIDs: "logs", unavailable: "logs", wantErr: "invalid index config"},
		{name: "missing config restored from its backup", setup: func(t *testing.T, root string) {
			if err := createIndexDir(root, DefaultIndexConfig()); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(indexDir(root, DefaultIndexID), indexConfigFile))
		}, wantIDs: "logs", damage: quarantine.DamageIndexConfig},
		{name: "unexpected file in WAL directory", setup: func(t *testing.T, root string) {
			if err := createIndexDir(root, DefaultIndexConfig()); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(indexDir(root, "logs"), indexWALDir, "notes.wal"), nil, 0o644)
		}, wantIDs: "logs", damage: quarantine.DamageWALStrayFile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tc.setup(t, root)
			e, err := Open(root, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if got := strings.Join(e.ListIndexes(), ","); got != tc.wantIDs {
				t.Fatalf("indexes = %s, want %s", got, tc.wantIDs)
			}
			for _, id := range e.ListIndexes() {
				_, st, err := e.DescribeIndex(id)
				if err != nil {
					t.Fatal(err)
				}
				_, lerr := e.lookup(id)
				if id == tc.unavailable {
					if !strings.Contains(st.Unavailable, tc.wantErr) || !errors.Is(lerr, ErrIndexUnavailable) || !strings.Contains(lerr.Error(), tc.wantErr) {
						t.Fatalf("index %s: unavailable %q, lookup %v; want it unavailable because %q", id, st.Unavailable, lerr, tc.wantErr)
					}
					continue
				}
				if st.Unavailable != "" || lerr != nil {
					t.Fatalf("index %s is unavailable: %s", id, st.Unavailable)
				}
				if tc.damage != "" && (len(st.Damage) != 1 || st.Damage[0].Kind != tc.damage) {
					t.Fatalf("index %s damage %+v, want one %s", id, st.Damage, tc.damage)
				}
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

// TestIndexConfigBackupFollowsChanges: every change of index.json is in
// its backup, and a store from before backups gets one at Open.
func TestIndexConfigBackupFollowsChanges(t *testing.T) {
	root := t.TempDir()
	e := openTestEngine(t, root, testOptions())
	if err := e.UpdateRetention(DefaultIndexID, "3 days"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	dir := indexDir(root, DefaultIndexID)
	main, _ := os.ReadFile(filepath.Join(dir, indexConfigFile))
	backup, _ := os.ReadFile(filepath.Join(dir, indexConfigBackupFile))
	if !strings.Contains(string(main), "3 days") || string(main) != string(backup) {
		t.Fatalf("index.json %s\nbackup %s", main, backup)
	}
	os.Remove(filepath.Join(dir, indexConfigBackupFile))
	openTestEngine(t, root, testOptions()).Close()
	if backup, _ = os.ReadFile(filepath.Join(dir, indexConfigBackupFile)); string(backup) != string(main) {
		t.Fatalf("Open did not restore the missing backup: %s", backup)
	}
	os.WriteFile(filepath.Join(dir, indexConfigFile), []byte(`{"index_id":"logs","doc_mapping":`), 0o644)
	e = openTestEngine(t, root, testOptions())
	defer e.Close()
	if cfg, st, _ := e.DescribeIndex(DefaultIndexID); cfg.Retention == nil || cfg.Retention.Period != "3 days" || len(st.Damage) != 1 {
		t.Fatalf("config %+v damage %+v: want the backup's retention and the damage reported", cfg, st.Damage)
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
