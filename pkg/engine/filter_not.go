package engine

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// notFilter matches rows its clause does not match, including rows that
// lack the clause's field. It never narrows blocks: a block the clause
// cannot match is one where every row matches.
type notFilter struct {
	clause rowFilter
	tmp    rowSet
}

func (f *notFilter) blocks(*split.Split) (*roaring.Bitmap, error) { return nil, nil }
func (f *notFilter) mayMatchBlock(*split.BlockMeta) bool          { return true }

func (f *notFilter) apply(br *blockReader, sel rowSet) error {
	if !f.clause.mayMatchBlock(&br.split.Meta.Blocks[br.block]) {
		return nil
	}
	f.tmp = append(f.tmp[:0], sel...)
	if err := f.clause.apply(br, f.tmp); err != nil {
		return err
	}
	sel.andNot(f.tmp)
	return nil
}

func (f *notFilter) matchEvent(ev *event.Event) bool { return !f.clause.matchEvent(ev) }
