package quickwit

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// FuzzReadAggregations: any aggregations answer is read into the engine's
// shape or refused with an error, never a panic.
func FuzzReadAggregations(f *testing.F) {
	f.Add([]byte(`{"t":{"buckets":[{"key":1768485600000.0,"doc_count":3,"h":{"buckets":[{"doc_count":1},{"doc_count":2}]},"g":{"sum_other_doc_count":1,"buckets":[{"key":"a","doc_count":2,"p":{"values":{"99.0":12.5}}}]}}]}}`))
	f.Add([]byte(`{"t":{"buckets":[{"key":"x"}]}}`))
	f.Add([]byte(`{"t":null}`))
	specs := []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: time.Minute}, Subs: []engine.Agg{
		{Name: "h", Histogram: &engine.HistogramAgg{Field: "x", Bounds: []float64{10}}},
		{Name: "g", Terms: &engine.TermsAgg{Field: "s"}, Subs: []engine.Agg{{Name: "p", Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: "x", Percents: []float64{99}}}}},
	}}}
	from := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var aggs map[string]json.RawMessage
		if json.Unmarshal(body, &aggs) != nil {
			return
		}
		_, _ = reader{start: from, end: from.Add(time.Hour)}.values(specs, aggs, 10)
	})
}

// FuzzEvent: any hit source becomes an event or an error.
func FuzzEvent(f *testing.F) {
	f.Add([]byte(`{"timestamp":"2026-01-15T14:00:00Z","a":{"b":[1,2]},"n":1e400,"u":18446744073709551615}`))
	f.Add([]byte(`{"timestamp":1768485600123}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = event(esHit{Source: src, Sort: []any{json.Number("1")}}, "timestamp")
	})
}
