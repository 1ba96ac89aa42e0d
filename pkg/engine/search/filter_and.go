package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// andFilter matches rows every clause matches; clauses narrow the same row
// set in turn and evaluation stops once it is empty.
type andFilter struct{ clauses []Filter }

func (f *andFilter) Blocks(s *split.Split) (*roaring.Bitmap, error) {
	var out *roaring.Bitmap
	for _, c := range f.clauses {
		b, err := c.Blocks(s)
		if err != nil {
			return nil, err
		}
		switch {
		case b == nil:
		case out == nil:
			out = b
		default:
			out.And(b)
		}
	}
	return out, nil
}

func (f *andFilter) MayMatchBlock(bm *split.BlockMeta) bool {
	for _, c := range f.clauses {
		if !c.MayMatchBlock(bm) {
			return false
		}
	}
	return true
}

func (f *andFilter) Apply(br *BlockReader, sel Rows) error {
	for _, c := range f.clauses {
		if sel.empty() {
			return nil
		}
		if err := c.Apply(br, sel); err != nil {
			return err
		}
	}
	return nil
}

func (f *andFilter) MatchEvent(ev *event.Event) bool {
	for _, c := range f.clauses {
		if !c.MatchEvent(ev) {
			return false
		}
	}
	return true
}
