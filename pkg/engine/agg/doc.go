// Package agg owns the aggregations: their specs (date histogram, terms,
// histogram and heatmap, metrics, percentiles, cardinality) and results,
// the validation and bucket limit a request passes before any work, the
// collectors that take matching rows block by block or row by row, and the
// passes a terms aggregation with sub-aggregations needs. It sees a scan
// only through Root.Block and Root.Event: planning and running the scan
// over an index snapshot stay in pkg/engine.
//
// It may import pkg/engine/event, column, split, budget and search, and
// nothing else of pkg/engine.
package agg
