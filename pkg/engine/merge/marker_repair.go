package merge

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// RepairMarker handles a merged split whose marker cannot be read.
// The marker protects one thing: after a crash between publishing a merged
// split and deleting its inputs, Open must delete those inputs so no event
// is seen twice. Its damage says nothing about the split, whose own
// checksums decide whether it is whole, and the splits on disk can still
// tell which of them were inputs: a seq belongs to one event, so a split
// whose every seq is in the merged split was merged into it. Those are
// removed as the marker would have removed them (after the merged split
// passed all its checksums; if it fails them and its inputs hold all its
// events, it is set aside instead), and the marker is moved to the
// quarantine and reported. Nothing is lost either way.
func RepairMarker(q quarantine.Dir, splitsDir, id string, cause error, present map[string]bool) error {
	path := filepath.Join(splitsDir, id)
	s, err := split.Open(path)
	if split.IsDamage(err) {
		return nil // the split itself is damaged: openIndexSplits sets it aside, marker and all
	}
	if err != nil {
		return err
	}
	inputs, err := mergedInputs(s, splitsDir, present)
	s.Close()
	if err != nil {
		return err
	}
	if len(inputs) > 0 {
		if err := finishMerge(q, splitsDir, id, inputs, present); err != nil || !present[id] {
			return err
		}
	}
	marker := filepath.Join(path, MarkerFile)
	kept, err := q.MoveAside(marker, id+"."+MarkerFile)
	if err != nil {
		return err
	}
	what := "no split still on disk shares its events"
	if len(inputs) > 0 {
		what = fmt.Sprintf("%d splits still on disk held only events it holds (%s) and were removed, as the marker would have removed them",
			len(inputs), strings.Join(inputs, ", "))
	}
	return q.Report(filepath.Base(kept), quarantine.Damage{Kind: quarantine.DamageMergeMarker, Path: q.Rel(marker), Kept: kept,
		Reason: fmt.Sprintf("%v; split %s is kept (its own checksums decide whether it is whole) and %s", cause, id, what)})
}

// mergedInputs returns the splits on disk whose every seq is in merged:
// the inputs of its merge that a crash left behind.
func mergedInputs(merged *split.Split, splitsDir string, present map[string]bool) ([]string, error) {
	var seqs []uint64
	var inputs []string
	for _, id := range slices.Sorted(maps.Keys(present)) {
		if !present[id] || id == merged.Meta.ID {
			continue
		}
		m, err := split.ReadMeta(filepath.Join(splitsDir, id))
		if err != nil || m.MaxSeq < merged.Meta.MinSeq || m.MinSeq > merged.Meta.MaxSeq {
			continue // damaged splits are judged when opened
		}
		if seqs == nil {
			if seqs, err = split.SplitSeqs(merged); err != nil {
				return nil, nil // seqs unreadable: nothing can be proven, so nothing is removed
			}
		}
		if contained(filepath.Join(splitsDir, id), seqs) {
			inputs = append(inputs, id)
		}
	}
	return inputs, nil
}

// contained reports whether every seq of the split at path is in seqs.
func contained(path string, seqs []uint64) bool {
	s, err := split.Open(path)
	if err != nil {
		return false
	}
	defer s.Close()
	own, err := split.SplitSeqs(s)
	if err != nil || len(own) == 0 {
		return false
	}
	for _, v := range own {
		if _, ok := slices.BinarySearch(seqs, v); !ok {
			return false
		}
	}
	return true
}
