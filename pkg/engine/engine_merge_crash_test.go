package engine

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/merge"
	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// copyTree copies a store directory as the disk would hold it if the
// machine stopped now: the crash image the next Open starts from.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMergeCrashBetweenSteps captures the store at every step of a merge,
// as a crash there would leave it, and opens each image: the events are
// all there exactly once, in the inputs before the commit point and in the
// merged split after it, and nothing of the merge is left half done.
func TestMergeCrashBetweenSteps(t *testing.T) {
	tests := []struct {
		name   string
		step   mergeStep
		splits int // after reopening
		// damage simulates a crash in the middle of deleting the inputs.
		damage func(t *testing.T, splitsDir string, inputs []string)
	}{
		{name: "merged split written, no marker", step: mergeStepWritten, splits: 3},
		{name: "marker written, not published", step: mergeStepMarked, splits: 3},
		{name: "published, inputs still on disk", step: mergeStepPublished, splits: 1},
		{name: "swapped in memory, inputs still on disk", step: mergeStepSwapped, splits: 1},
		{name: "inputs half deleted", step: mergeStepSwapped, splits: 1,
			damage: func(t *testing.T, splitsDir string, inputs []string) {
				for i, file := range []string{split.SplitMetaFile, split.SplitDataFile, split.SplitTermsDir} {
					if err := os.RemoveAll(filepath.Join(splitsDir, inputs[i], file)); err != nil {
						t.Fatal(err)
					}
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, image := t.TempDir(), t.TempDir()
			opts := testOptions()
			opts.MergeFactor = 3
			e := openTestEngine(t, dir, opts)
			ix, _ := e.lookup(DefaultIndexID)
			for i := 0; i < 3; i++ {
				flushDocs(t, e, ix, i*60, 60)
			}
			var inputs []string
			for _, r := range ix.view.splits {
				inputs = append(inputs, r.split.Meta.ID)
			}
			captured := false
			ix.merge.hook = func(step mergeStep) {
				if step == tc.step && !captured {
					copyTree(t, dir, image)
					captured = true
				}
			}
			if merged, err := ix.mergeOnce(context.Background(), time.Now()); !merged || err != nil {
				t.Fatalf("merge = %v, %v", merged, err)
			}
			e.Close()
			if !captured {
				t.Fatal("the merge never reached the step")
			}
			splitsDir := filepath.Join(indexDir(image, DefaultIndexID), indexSplitsDir)
			if tc.damage != nil {
				tc.damage(t, splitsDir, inputs)
			}
			e = openTestEngine(t, image, testOptions())
			defer e.Close()
			checkOnce(t, "after the crash", allEvents(t, e, DefaultIndexID), 180)
			_, st, _ := e.DescribeIndex(DefaultIndexID)
			if st.Splits != tc.splits || len(st.CorruptSplits) != 0 {
				t.Fatalf("%d splits (corrupt: %v), want %d", st.Splits, st.CorruptSplits, tc.splits)
			}
			entries, _ := os.ReadDir(splitsDir)
			if len(entries) != tc.splits {
				t.Fatalf("splits directory holds %d entries, want %d", len(entries), tc.splits)
			}
			for _, ent := range entries {
				if strings.HasPrefix(ent.Name(), ".") {
					t.Fatalf("the crashed merge left %s", ent.Name())
				}
			}
			// The index keeps working: merging again reaches one split.
			ix, _ = e.lookup(DefaultIndexID)
			mergeAll(t, ix, time.Now())
			checkOnce(t, "merged after the crash", allEvents(t, e, DefaultIndexID), 180)
		})
	}
}

// TestMergeDamagedMarker: a merged split whose marker fails its checksum
// is kept when its own checksums pass; inputs a crash left on disk are
// recognized by their seqs and removed, as the marker would have done, so
// every event is served once. If the merged split fails its checksums too,
// it is set aside and the inputs, which hold all its events, serve.
func TestMergeDamagedMarker(t *testing.T) {
	tests := []struct {
		name       string
		damageData bool
		splits     int
		kinds      []quarantine.DamageKind
	}{
		{name: "marker damaged", splits: 1, kinds: []quarantine.DamageKind{quarantine.DamageMergeMarker}},
		{name: "marker and a column chunk damaged", damageData: true, splits: 2, kinds: []quarantine.DamageKind{quarantine.DamageSplit}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, image := t.TempDir(), t.TempDir()
			opts := testOptions()
			opts.MergeFactor = 2
			e := openTestEngine(t, dir, opts)
			ix, _ := e.lookup(DefaultIndexID)
			flushDocs(t, e, ix, 0, 60)
			flushDocs(t, e, ix, 60, 60)
			ix.merge.hook = func(step mergeStep) {
				if step == mergeStepPublished {
					copyTree(t, dir, image)
				}
			}
			mergeAll(t, ix, time.Now())
			merged := ix.view.splits[0].split
			e.Close()
			mergedDir := filepath.Join(indexDir(image, DefaultIndexID), indexSplitsDir, merged.Meta.ID)
			flipByte(t, filepath.Join(mergedDir, merge.MarkerFile), 10)
			if tc.damageData {
				c := merged.Meta.Blocks[0].Columns["message"]
				flipByte(t, filepath.Join(mergedDir, split.SplitDataFile), c.Offset+1)
			}
			e = openTestEngine(t, image, testOptions())
			defer e.Close()
			checkOnce(t, "after the crash", allEvents(t, e, DefaultIndexID), 120)
			_, st, _ := e.DescribeIndex(DefaultIndexID)
			var kinds []quarantine.DamageKind
			for _, d := range st.Damage {
				kinds = append(kinds, d.Kind)
			}
			if st.Splits != tc.splits || st.EventsLost != 0 || st.UncountedLosses != 0 || !reflect.DeepEqual(kinds, tc.kinds) {
				t.Fatalf("stats %+v; want %d splits, damage %v and nothing lost", st, tc.splits, tc.kinds)
			}
		})
	}
}
