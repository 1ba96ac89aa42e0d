package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// orFilter matches rows any clause matches. Each clause narrows a copy of
// the input rows and the copies are united.
type orFilter struct {
	clauses      []Filter
	in, acc, tmp Rows
}

func (f *orFilter) Blocks(s *split.Split) (*roaring.Bitmap, error) {
	out := roaring.New()
	for _, c := range f.clauses {
		b, err := c.Blocks(s)
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, nil
		}
		out.Or(b)
	}
	return out, nil
}

func (f *orFilter) MayMatchBlock(bm *split.BlockMeta) bool {
	for _, c := range f.clauses {
		if c.MayMatchBlock(bm) {
			return true
		}
	}
	return false
}

func (f *orFilter) Apply(br *BlockReader, sel Rows) error {
	f.in = append(f.in[:0], sel...)
	f.acc = f.acc.Resize(br.rows)
	tmp := f.tmp
	for _, c := range f.clauses {
		if !c.MayMatchBlock(&br.Split.Meta.Blocks[br.Block]) {
			continue
		}
		tmp = append(tmp[:0], f.in...)
		// Rows already matched need no second look.
		tmp.andNot(f.acc)
		if tmp.empty() {
			break
		}
		if err := c.Apply(br, tmp); err != nil {
			return err
		}
		f.acc.or(tmp)
	}
	f.tmp = tmp
	copy(sel, f.acc)
	return nil
}

func (f *orFilter) MatchEvent(ev *event.Event) bool {
	for _, c := range f.clauses {
		if c.MatchEvent(ev) {
			return true
		}
	}
	return false
}
