package split

import (
	"fmt"
	"slices"

	"github.com/triage-logs/triage/pkg/engine/column"
)

// VerifySplit reads every column chunk of a split and opens its term
// index, so each checksum is checked: what a split must pass before Open
// trusts it as the only copy of events (a merge's inputs are deleted only
// when the merged split is whole). It costs a full read of the split.
func VerifySplit(s *Split) error {
	var col column.Column
	for b := range s.Meta.Blocks {
		if _, err := s.ReadTimestamps(b, &col); err != nil {
			return err
		}
		if _, err := s.ReadSeqs(b, &col); err != nil {
			return err
		}
		for name := range s.Meta.Blocks[b].Columns {
			if err := s.ReadColumn(b, name, &col); err != nil {
				return err
			}
		}
	}
	if _, err := s.termIndex(); err != nil {
		return fmt.Errorf("verify split %s: %w", s.Meta.ID, err)
	}
	return nil
}

// SplitSeqs returns every seq a split holds, sorted.
func SplitSeqs(s *Split) ([]uint64, error) {
	out := make([]uint64, 0, s.Meta.Rows)
	var col column.Column
	for b := range s.Meta.Blocks {
		seqs, err := s.ReadSeqs(b, &col)
		if err != nil {
			return nil, err
		}
		out = append(out, seqs...)
	}
	slices.Sort(out)
	return out, nil
}
