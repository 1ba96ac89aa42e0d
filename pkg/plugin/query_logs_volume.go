package plugin

import (
	"context"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// maxVolumeLevels bounds the raw level values read per interval before
// they are folded into Grafana's seven level names.
const maxVolumeLevels = 50

// levelOrder stacks volume bars with the worst level on top.
var levelOrder = []string{levelCritical, levelError, levelWarning, levelInfo, levelDebug, levelTrace, levelUnknown}

// queryLogsVolume answers Explore's logs volume: event counts per interval
// and per normalised level, one series per level, labelled level=<name>.
func (d *Datasource) queryLogsVolume(ctx context.Context, be logstore.Backend, req queryRequest) backend.DataResponse {
	names, err := d.logFields(ctx, be, req.Model.Index)
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	res, err := req.aggregate(ctx, be, []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: req.Interval},
		Subs: []engine.Agg{{Name: "l", Terms: &engine.TermsAgg{Field: names.Level, Size: maxVolumeLevels}}}}})
	if err != nil {
		return errorResponse(req.RefID, err)
	}
	buckets := histogramBuckets(res.Aggs, "t")
	times := make([]time.Time, len(buckets))
	perLevel := map[string][]float64{}
	add := func(level string, row int, n int64) {
		col := perLevel[level]
		if col == nil {
			col = make([]float64, len(buckets))
			perLevel[level] = col
		}
		col[row] += float64(n)
	}
	for r := range buckets {
		times[r] = time.UnixMilli(int64(buckets[r].KeyNum)).UTC()
		var counted int64
		for _, v := range buckets[r].Aggs {
			if v.Name != "l" {
				continue
			}
			for _, lb := range v.Buckets {
				add(normalizeLevel(lb.Key), r, lb.DocCount)
				counted += lb.DocCount
			}
		}
		if rest := buckets[r].DocCount - counted; rest > 0 {
			add(levelUnknown, r, rest) // no level field, or beyond maxVolumeLevels
		}
	}
	levels := make([]string, 0, len(perLevel))
	for l := range perLevel {
		levels = append(levels, l)
	}
	sort.Slice(levels, func(i, j int) bool { return levelRank(levels[i]) < levelRank(levels[j]) })
	var frames data.Frames
	for _, level := range levels {
		value := data.NewField("count", data.Labels{"level": level}, perLevel[level])
		value.Config = &data.FieldConfig{DisplayNameFromDS: level}
		frame := data.NewFrame(req.RefID, data.NewField("time", nil, times), value)
		frame.Meta = &data.FrameMeta{
			Type:        data.FrameTypeTimeSeriesMulti,
			TypeVersion: data.FrameTypeVersion{0, 1},
			Custom: map[string]any{
				"logsVolumeType": "FullRange",
				"absoluteRange":  map[string]int64{"from": req.From.UnixMilli(), "to": req.To.UnixMilli()},
				"intervalMs":     req.Interval.Milliseconds(),
			},
		}
		frames = append(frames, frame)
	}
	if allEmpty(frames) {
		frames = data.Frames{noDataTimeseriesFrame(req.RefID)}
	}
	return backend.DataResponse{Frames: frames}
}

func levelRank(l string) int {
	for i, x := range levelOrder {
		if x == l {
			return i
		}
	}
	return len(levelOrder)
}
