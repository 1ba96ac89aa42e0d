package engine

import "github.com/triage-logs/triage/pkg/engine/column"

// The column-chunk format lives in pkg/engine/column; these names keep
// what the engine exported of it reachable as engine.X.
type (
	Column    = column.Column
	ChunkMeta = column.ChunkMeta
	Bounds    = column.Bounds
)
