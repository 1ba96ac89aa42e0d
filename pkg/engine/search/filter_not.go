package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// notFilter matches rows its clause does not match, including rows that
// lack the clause's field. It never narrows blocks: a block the clause
// cannot match is one where every row matches.
type notFilter struct {
	clause Filter
	tmp    Rows
}

func (f *notFilter) Blocks(*split.Split) (*roaring.Bitmap, error) { return nil, nil }
func (f *notFilter) MayMatchBlock(*split.BlockMeta) bool          { return true }

func (f *notFilter) Apply(br *BlockReader, sel Rows) error {
	if !f.clause.MayMatchBlock(&br.Split.Meta.Blocks[br.Block]) {
		return nil
	}
	f.tmp = append(f.tmp[:0], sel...)
	if err := f.clause.Apply(br, f.tmp); err != nil {
		return err
	}
	sel.andNot(f.tmp)
	return nil
}

func (f *notFilter) MatchEvent(ev *event.Event) bool { return !f.clause.MatchEvent(ev) }
