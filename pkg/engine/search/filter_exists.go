package search

import (
	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// existsMatcher matches `field:*`: every row holding the field (JSON nulls
// are dropped at ingest, so a present value is never null).
type existsMatcher struct{}

func (existsMatcher) match(*event.Value) bool { return true }

func (existsMatcher) granules(s *split.Split, field string) (*roaring.Bitmap, error) {
	if _, ok := s.Meta.Fields[field]; !ok {
		return roaring.New(), nil
	}
	return nil, nil
}

func (existsMatcher) mayMatchChunk(*column.ChunkMeta) bool { return true }
