package split

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestVersionOneSplitsStillOpen: splits written before prefixed-number
// chunks (version 1) are read as they are; a version this build does not
// know is refused by name rather than reported as damage.
func TestVersionOneSplitsStillOpen(t *testing.T) {
	events := fixtureEvents(300, 5)
	for _, tc := range []struct {
		version int
		ok      bool
	}{{1, true}, {splitMetaVersion, true}, {splitMetaVersion + 1, false}, {0, false}} {
		dir := t.TempDir()
		meta, err := writeSplit(dir, fixtureSchema, events, DefaultSplitOptions)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, meta.ID)
		meta.Version = tc.version
		b, err := encodeSplitMeta(&meta)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path, SplitMetaFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path)
		if !tc.ok {
			if err == nil || !strings.Contains(err.Error(), "version") {
				t.Errorf("version %d: Open = %v, want a refusal naming the version", tc.version, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("version %d: %v", tc.version, err)
		}
		got, err := s.ReadEvents(0, nil, nil)
		s.Close()
		if err != nil || !reflect.DeepEqual(sortedFields(got), sortedFields(events)) {
			t.Errorf("version %d: events read back differ (%v)", tc.version, err)
		}
	}
}

// TestUserIDsAreStoredAsNumbers: the fixture's user-123456 ids take the
// prefixed-number encoding in a written split and read back unchanged.
func TestUserIDsAreStoredAsNumbers(t *testing.T) {
	events := fixtureEvents(3000, 9)
	dir := t.TempDir()
	meta, err := writeSplit(dir, fixtureSchema, events, DefaultSplitOptions)
	if err != nil {
		t.Fatal(err)
	}
	if enc := meta.Blocks[0].Columns["user_id"].Encoding.String(); enc != "str_prefix_num" {
		t.Errorf("user_id is stored as %s, want str_prefix_num", enc)
	}
	s, err := Open(filepath.Join(dir, meta.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.ReadEvents(0, nil, nil)
	if err != nil || !reflect.DeepEqual(sortedFields(got), sortedFields(events)) {
		t.Errorf("events read back differ (%v)", err)
	}
}
