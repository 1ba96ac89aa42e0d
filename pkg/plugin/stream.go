package plugin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/pkg/engine"
)

// tailPathPrefix starts the Grafana Live paths of live tails. The rest of
// the path encodes the index and query: Grafana subscribes to a frame's
// meta.channel without sending anything else.
const tailPathPrefix = "tail/"

// maxTailRate bounds the events per second pushed to one subscriber; a
// browser cannot render more, and the rest are counted, not hidden.
const maxTailRate = 1000

// tailSpec is what a live-tail path encodes.
type tailSpec struct {
	Index string `json:"index"`
	Query string `json:"query"`
}

// liveChannel is the Grafana Live channel of a logs query with live set.
func (d *Datasource) liveChannel(req queryRequest) string {
	raw, _ := json.Marshal(tailSpec{Index: req.Model.Index, Query: req.Text})
	return "ds/" + d.uid + "/" + tailPathPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

func parseTailPath(path string) (tailSpec, error) {
	enc, ok := strings.CutPrefix(path, tailPathPrefix)
	if !ok {
		return tailSpec{}, fmt.Errorf("no stream at path %q", path)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return tailSpec{}, fmt.Errorf("stream path %q is not a live-tail path: %w", path, err)
	}
	var spec tailSpec
	if err := json.Unmarshal(raw, &spec); err != nil || spec.Index == "" {
		return tailSpec{}, fmt.Errorf("stream path %q does not name an index and a query", path)
	}
	return spec, nil
}

// SubscribeStream admits a live tail whose index and query are valid.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	spec, err := parseTailPath(req.Path)
	if err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	eng, err := d.engine()
	if err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	tail, err := eng.Tail(spec.Index, spec.Query, 1)
	if err != nil {
		d.logger.Warn("live tail refused", "index", spec.Index, "query", spec.Query, "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	tail.Close()
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// RunStream pushes the tail's events as log-lines frames until Grafana
// ends the stream (no subscriber left) or the instance goes away.
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	spec, err := parseTailPath(req.Path)
	if err != nil {
		return err
	}
	eng, err := d.engine()
	if err != nil {
		return err
	}
	tail, err := eng.Tail(spec.Index, spec.Query, 256)
	if err != nil {
		return fmt.Errorf("live tail of %s: %w", spec.Index, err)
	}
	defer tail.Close()
	names, err := d.logFields(eng, spec.Index)
	if err != nil {
		return err
	}
	limiter := newRateWindow(maxTailRate, time.Second)
	var overRate int64
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch, ok := <-tail.C:
			if !ok {
				return nil // the engine closed
			}
			allowed := limiter.take(len(batch), time.Now())
			overRate += int64(len(batch) - allowed)
			if allowed == 0 {
				continue
			}
			hits := make([]engine.Hit, allowed)
			for i := range hits {
				hits[i] = engine.Hit{Index: spec.Index, Event: batch[i]}
			}
			frame := d.logsFrame("tail", spec.Index, names, hits)
			frame.Meta.Custom = map[string]any{"dropped": tail.Dropped() + overRate}
			if err := sender.SendFrame(frame, data.IncludeAll); err != nil {
				return fmt.Errorf("send live tail frame: %w", err)
			}
		}
	}
}

// PublishStream refuses: clients ingest through the ingest API, not Live.
func (d *Datasource) PublishStream(_ context.Context, _ *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// rateWindow allows at most limit events per window.
type rateWindow struct {
	limit  int
	window time.Duration
	start  time.Time
	used   int
}

func newRateWindow(limit int, window time.Duration) *rateWindow {
	return &rateWindow{limit: limit, window: window}
}

// take returns how many of n events may be sent now.
func (r *rateWindow) take(n int, now time.Time) int {
	if now.Sub(r.start) >= r.window {
		r.start, r.used = now, 0
	}
	allowed := min(n, r.limit-r.used)
	r.used += allowed
	return allowed
}
