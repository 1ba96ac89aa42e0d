package engine

// CheckAggs validates req's aggregations as Aggregate does (each kind's
// settings, metrics, the bucket limit) without reading data, so a remote
// backend refuses, with the same message, what the engine would refuse.
func CheckAggs(req AggRequest) error {
	maxBuckets := req.MaxBuckets
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxBuckets
	}
	env := &aggEnv{slots: map[string]int{}, start: timeBound(req.Start, minTime), end: timeBound(req.End, maxTime), maxBuckets: maxBuckets}
	return env.check(req.Aggs, 1)
}
