package search

// MinTime and MaxTime stand for an open end of a query's time range, in
// Unix nanoseconds: a range that starts at MinTime has no start.
const (
	MinTime = int64(-1 << 63)
	MaxTime = int64(1<<63 - 1)
)
