package plugin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTailRegistryKeepsTheNewestTailsAcrossReloads(t *testing.T) {
	dir := t.TempDir()
	r := registryFor(dir)
	now := time.Unix(1_700_000_000, 0)
	var ids []string
	for i := 0; i < maxTails+10; i++ {
		id, err := r.open(tailSpec{Datasource: "ds", Index: "logs", Query: "n:" + strings.Repeat("x", i)}, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != tailIDLength {
			t.Fatalf("id %q is not %d characters", id, tailIDLength)
		}
		ids = append(ids, id)
	}
	if err := r.advance(ids[len(ids)-1], "123:4", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A restarted plugin reads the file afresh.
	tailRegistries.mu.Lock()
	delete(tailRegistries.dir, filepath.Clean(dir))
	tailRegistries.mu.Unlock()
	reloaded := registryFor(dir)
	if n := len(reloaded.entries); n != maxTails {
		t.Fatalf("%d tails kept, want %d", n, maxTails)
	}
	if _, err := reloaded.get(ids[0]); err == nil || !strings.Contains(err.Error(), "run the query again") {
		t.Fatalf("the oldest tail was not evicted: %v", err)
	}
	e, err := reloaded.get(ids[len(ids)-1])
	if err != nil || e.position() != "123:4" {
		t.Fatalf("newest tail %+v (%v), want its sent position 123:4", e, err)
	}
}

func TestTailRegistryReportsADamagedFileAndRecovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, tailRegistryFile)
	if err := os.WriteFile(path, []byte(`{"abc": {"spec": `), 0o600); err != nil {
		t.Fatal(err)
	}
	r := registryFor(dir)
	_, err := r.get("0123456789abcdef")
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("lookup in a damaged registry: %v, want an error naming %s", err, path)
	}
	id, err := r.open(tailSpec{Index: "logs", Query: "*"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.get(id); err != nil {
		t.Fatalf("a new tail after the damage: %v", err)
	}
}
