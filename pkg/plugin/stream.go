package plugin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/triage-logs/triage/pkg/engine"
)

// tailPathPrefix starts the Grafana Live paths of live tails; the rest is
// the tail's short id. Grafana subscribes to a frame's meta.channel without
// sending anything else, so the plugin keeps what an id stands for.
const tailPathPrefix = "tail/"

// maxTailRate bounds the events per second pushed to one subscriber; a
// browser cannot render more, and the rest are counted, not hidden.
const maxTailRate = 1000

// maxTailCatchUp bounds the rows a starting stream sends for what arrived
// since the first frame (or since a restarted plugin last sent).
const maxTailCatchUp = 1000

// openTail registers a live logs query whose first frame holds hits
// (oldest first) and returns its Grafana Live channel.
func (d *Datasource) openTail(req queryRequest, hits []engine.Hit) (string, error) {
	spec := tailSpec{
		Datasource: d.uid, Index: req.Model.Index, Query: req.Text, RefID: req.RefID,
		Limit: req.Model.Limit, FromNs: req.From.UnixNano(),
	}
	if n := len(hits); n > 0 {
		last := hits[n-1].Event
		spec.Since = engine.Cursor{Timestamp: last.Timestamp, Seq: last.Seq}.String()
	}
	id, err := registryFor(d.settings.DataDir).open(spec, time.Now())
	if err != nil {
		return "", err
	}
	return d.tailChannel(id), nil
}

// tailChannel is the Grafana Live channel of tail id: ds/<uid>/tail/<id>.
func (d *Datasource) tailChannel(id string) string {
	return "ds/" + d.uid + "/" + tailPathPrefix + id
}

// tailEntryOf resolves a stream path to its registered tail.
func (d *Datasource) tailEntryOf(path string) (string, tailEntry, error) {
	id, ok := strings.CutPrefix(path, tailPathPrefix)
	if !ok || len(id) != tailIDLength {
		return "", tailEntry{}, fmt.Errorf("no stream at path %q", path)
	}
	e, err := registryFor(d.settings.DataDir).get(id)
	return id, e, err
}

// SubscribeStream admits a subscription to a registered live tail whose
// query still compiles.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	notFound := &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}
	_, entry, err := d.tailEntryOf(req.Path)
	if err != nil {
		d.logger.Warn("live tail refused", "path", req.Path, "error", err)
		return notFound, nil
	}
	eng, err := d.engine()
	if err != nil {
		return notFound, nil
	}
	tail, err := eng.Tail(entry.Spec.Index, entry.Spec.Query, 1)
	if err != nil {
		d.logger.Warn("live tail refused", "index", entry.Spec.Index, "query", entry.Spec.Query, "error", err)
		return notFound, nil
	}
	tail.Close()
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// RunStream pushes the tail's rows as log-lines frames until Grafana ends
// the stream (no subscriber left) or the instance goes away. It subscribes
// first, then sends what arrived since the first frame (or since a
// restarted plugin's last packet), then the live rows, each row once.
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	id, entry, err := d.tailEntryOf(req.Path)
	if err != nil {
		return err
	}
	eng, err := d.engine()
	if err != nil {
		return err
	}
	spec := entry.Spec
	tail, err := eng.Tail(spec.Index, spec.Query, 256)
	if err != nil {
		return fmt.Errorf("live tail of %s: %w", spec.Index, err)
	}
	defer tail.Close()
	names, err := d.logFields(eng, spec.Index)
	if err != nil {
		return err
	}
	out := &tailSender{d: d, id: id, spec: spec, names: names, sender: sender, registry: registryFor(d.settings.DataDir)}
	caught, truncated, err := catchUp(ctx, eng, spec, entry.position())
	if err != nil {
		return fmt.Errorf("live tail of %s: catch up: %w", spec.Index, err)
	}
	if truncated {
		out.notice = fmt.Sprintf("more than %d events arrived while the live tail was connecting; only the newest are shown, the others are searchable", maxTailCatchUp)
	}
	sentSeq := make(map[uint64]bool, len(caught))
	for _, ev := range caught {
		sentSeq[ev.Seq] = true
	}
	if err := out.send(caught, tail.Dropped()); err != nil {
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
			fresh := batch[:0:0]
			for _, ev := range batch {
				if !sentSeq[ev.Seq] {
					fresh = append(fresh, ev)
				}
			}
			allowed := limiter.take(len(fresh), time.Now())
			overRate += int64(len(fresh) - allowed)
			if err := out.send(fresh[:allowed], tail.Dropped()+overRate); err != nil {
				return err
			}
		}
	}
}

// catchUp returns the rows beyond position, oldest first, at most
// maxTailCatchUp of them (the newest, with truncated set, when there are more).
func catchUp(ctx context.Context, eng *engine.Engine, spec tailSpec, position string) ([]engine.Event, bool, error) {
	sr := engine.SearchRequest{Index: spec.Index, Query: spec.Query, Start: time.Unix(0, spec.FromNs), Limit: maxTailCatchUp, Order: engine.Asc}
	var after *engine.Cursor
	if position != "" {
		c, err := engine.ParseCursor(position)
		if err != nil {
			return nil, false, err
		}
		after, sr.Start, sr.After = &c, time.Unix(0, c.Timestamp), &c
	}
	res, err := eng.Search(ctx, sr)
	if err != nil {
		return nil, false, err
	}
	truncated := res.Next != nil
	if truncated {
		// Keep the newest rows: a live view is about now.
		sr.Order, sr.After = engine.Desc, nil
		if res, err = eng.Search(ctx, sr); err != nil {
			return nil, false, err
		}
	}
	events := make([]engine.Event, 0, len(res.Hits))
	for _, h := range res.Hits {
		if after == nil || after.Timestamp < h.Event.Timestamp || (after.Timestamp == h.Event.Timestamp && after.Seq < h.Event.Seq) {
			events = append(events, h.Event)
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Before(&events[j]) })
	return events, truncated, nil
}

// tailSender sends a tail's packets: every packet carries the query's
// refId and full meta, as Grafana's StreamingDataFrame replaces both from
// each packet, and its rows oldest first, the order the buffer appends in.
type tailSender struct {
	d        *Datasource
	id       string
	spec     tailSpec
	names    logFieldNames
	sender   *backend.StreamSender
	registry *tailRegistry
	sent     *engine.Cursor
	notice   string
}

func (s *tailSender) send(events []engine.Event, dropped int64) error {
	if len(events) == 0 {
		return nil
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Before(&events[j]) })
	newest := events[len(events)-1]
	if s.sent == nil || s.sent.Timestamp < newest.Timestamp || (s.sent.Timestamp == newest.Timestamp && s.sent.Seq < newest.Seq) {
		s.sent = &engine.Cursor{Timestamp: newest.Timestamp, Seq: newest.Seq}
	}
	if err := s.registry.advance(s.id, s.sent.String(), time.Now()); err != nil {
		s.d.logger.Warn("live tail position not saved; a plugin restart may repeat rows", "error", err)
	}
	hits := make([]engine.Hit, len(events))
	for i := range events {
		hits[i] = engine.Hit{Index: s.spec.Index, Event: events[i]}
	}
	frame := s.d.logsFrame(s.spec.RefID, s.spec.Index, s.names, hits)
	custom := logsCustom(s.spec.Limit, s.spec.Query)
	custom["dropped"] = dropped
	frame.Meta.Custom = custom
	frame.Meta.ExecutedQueryString = s.spec.Query
	frame.Meta.Channel = s.d.tailChannel(s.id)
	if s.notice != "" {
		frame.Meta.Notices = []data.Notice{{Severity: data.NoticeSeverityWarning, Text: s.notice}}
	}
	if err := s.sender.SendFrame(frame, data.IncludeAll); err != nil {
		return fmt.Errorf("send live tail frame: %w", err)
	}
	return nil
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
