package plugin

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// queryHeatmap answers with one heatmap-rows frame: the time field holds
// each bucket's END (Grafana's rows layout treats it so), one count field
// per value bucket named by its upper bound ("+Inf" last) and labelled
// le=<bound> (Grafana's rowsToCellsHeatmap draws cells below their bound
// and shows range tooltips only for an `le` label), and a trailing string
// field bucket_start_ms, so a cell's data link
// from=${__data.fields.bucket_start_ms}&to=${__value.time} scopes a
// dashboard to exactly that bucket.
func (d *Datasource) queryHeatmap(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	hm := req.Model.Heatmap
	if hm == nil || hm.Field == "" {
		return backend.ErrDataResponse(backend.StatusBadRequest, fmt.Sprintf("query %s: a heatmap needs heatmap.field, e.g. {\"field\":\"latency_ms\"}", req.RefID))
	}
	bounds := hm.Buckets
	if len(bounds) == 0 {
		var err error
		if bounds, err = d.computedBounds(ctx, be, req, hm); err != nil {
			return errorResponse(req.RefID, err)
		}
	}
	res, err := req.aggregate(ctx, be, []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: req.Interval},
		Subs: []engine.Agg{{Name: "h", Histogram: &engine.HistogramAgg{Field: hm.Field, Bounds: bounds}}}}})
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	buckets := histogramBuckets(res.Aggs, "t")
	ends := make([]time.Time, len(buckets))
	starts := make([]string, len(buckets))
	counts := make([][]float64, len(bounds)+1)
	for i := range counts {
		counts[i] = make([]float64, len(buckets))
	}
	for r := range buckets {
		start := time.UnixMilli(int64(buckets[r].KeyNum)).UTC()
		ends[r] = start.Add(req.Interval)
		starts[r] = strconv.FormatInt(start.UnixMilli(), 10)
		for _, hb := range histogramBuckets(buckets[r].Aggs, "h") {
			if i := boundIndex(bounds, hb.KeyNum); i >= 0 {
				counts[i][r] = float64(hb.DocCount)
			}
		}
	}
	timeField := data.NewField("time", nil, ends)
	timeField.Config = &data.FieldConfig{Interval: float64(req.Interval.Milliseconds())}
	frame := data.NewFrame(req.RefID, timeField)
	for i := range counts {
		name := "+Inf"
		if i < len(bounds) {
			name = strconv.FormatFloat(bounds[i], 'f', -1, 64)
		}
		f := data.NewField(name, data.Labels{"le": name}, counts[i])
		// Without it Grafana would display the bucket as `500 {le="500"}`.
		f.Config = &data.FieldConfig{DisplayNameFromDS: name}
		frame.Fields = append(frame.Fields, f)
	}
	frame.Fields = append(frame.Fields, data.NewField("bucket_start_ms", nil, starts))
	frame.Meta = &data.FrameMeta{
		Type:        data.FrameType("heatmap-rows"),
		TypeVersion: data.FrameTypeVersion{0, 0},
		Custom:      map[string]any{"intervalMs": req.Interval.Milliseconds(), "field": hm.Field},
		Notices:     warningNotices(res.Warnings),
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

// boundIndex finds which value bucket a histogram bucket is: its key is the
// upper bound, or +Inf (any key above every bound) for the overflow bucket.
func boundIndex(bounds []float64, key float64) int {
	for i, b := range bounds {
		if b == key {
			return i
		}
	}
	if len(bounds) > 0 && (math.IsInf(key, 1) || key > bounds[len(bounds)-1]) {
		return len(bounds)
	}
	return -1
}

// computedBounds spreads hm.Count buckets between the field's observed min
// and max, on a log scale by default (latencies span orders of magnitude).
func (d *Datasource) computedBounds(ctx context.Context, be logstore.Backend, req queryRequest, hm *query.Heatmap) ([]float64, error) {
	res, err := req.aggregate(ctx, be, []engine.Agg{{Name: "s", Metric: &engine.MetricAgg{Kind: engine.MetricStats, Field: hm.Field}}})
	if err != nil {
		return nil, err
	}
	lo, hi := 0.0, 1.0
	if len(res.Aggs) == 1 && res.Aggs[0].Metric != nil && res.Aggs[0].Metric.Count > 0 {
		lo, hi = res.Aggs[0].Metric.Min, res.Aggs[0].Metric.Max
	}
	count := hm.Count
	if count <= 0 {
		count = query.DefaultHeatmapCount
	}
	return spreadBounds(lo, hi, count, hm.Scale != query.ScaleLinear), nil
}

// spreadBounds returns count strictly increasing upper bounds covering
// [lo, hi], geometric when logScale (from a positive floor) else linear.
func spreadBounds(lo, hi float64, count int, logScale bool) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	out := make([]float64, 0, count)
	if logScale {
		floor := lo
		if floor <= 0 {
			floor = math.Max(hi/math.Pow(10, 6), 1e-9)
		}
		ratio := math.Pow(hi/floor, 1/float64(count))
		for i := 1; i <= count; i++ {
			out = append(out, roundSignificant(floor*math.Pow(ratio, float64(i))))
		}
	} else {
		step := (hi - lo) / float64(count)
		for i := 1; i <= count; i++ {
			out = append(out, roundSignificant(lo+step*float64(i)))
		}
	}
	// Rounding can merge neighbours; bounds must stay strictly increasing.
	uniq := out[:0]
	for _, b := range out {
		if len(uniq) == 0 || b > uniq[len(uniq)-1] {
			uniq = append(uniq, b)
		}
	}
	return uniq
}

// roundSignificant keeps three significant digits so bucket names read well.
func roundSignificant(v float64) float64 {
	if v == 0 {
		return 0
	}
	mag := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-2)
	return math.Ceil(v/mag) * mag
}
