package plugin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	logstore "github.com/triage-logs/triage/pkg/backend"
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
func (d *Datasource) openTail(be logstore.Backend, req queryRequest, hits []engine.Hit) (string, error) {
	spec := tailSpec{
		Datasource: d.uid, Index: req.Model.Index, Query: req.Text, RefID: req.RefID,
		Limit: req.Model.Limit, FromNs: req.From.UnixNano(),
	}
	if n := len(hits); n > 0 {
		spec.Since = position(hits[n-1].Event)
	}
	id, err := d.tails().open(spec, time.Now())
	if err != nil {
		return "", err
	}
	return d.tailChannel(id), nil
}

// tails is where the datasource's live tails are registered: a file in the
// data directory of the embedded store, memory for a remote one.
func (d *Datasource) tails() *tailRegistry {
	if d.settings.Remote() {
		return memoryRegistryFor(d.uid)
	}
	return registryFor(d.settings.DataDir)
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
	e, err := d.tails().get(id)
	return id, e, err
}

// SubscribeStream admits a subscription to a registered live tail whose
// query the store still takes.
func (d *Datasource) SubscribeStream(ctx context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	notFound := &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}
	_, entry, err := d.tailEntryOf(req.Path)
	if err != nil {
		d.logger.Warn("live tail refused", "path", req.Path, "error", err)
		return notFound, nil
	}
	be, err := d.backend()
	if err != nil {
		return notFound, nil
	}
	tail, err := be.Tail(ctx, logstore.TailRequest{Index: entry.Spec.Index, Query: entry.Spec.Query, Buffer: 1})
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
	be, err := d.backend()
	if err != nil {
		return err
	}
	spec := entry.Spec
	tail, err := be.Tail(ctx, logstore.TailRequest{Index: spec.Index, Query: spec.Query, Buffer: 256})
	if err != nil {
		return fmt.Errorf("live tail of %s: %w", spec.Index, err)
	}
	defer tail.Close()
	names, err := d.logFields(ctx, be, spec.Index)
	if err != nil {
		return err
	}
	out := &tailSender{d: d, id: id, spec: spec, names: names, sender: sender, registry: d.tails()}
	caught, truncated, err := catchUp(ctx, be, spec, entry.position())
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
		case batch, ok := <-tail.Events():
			if !ok {
				// The engine closed (nil), or the remote tail failed.
				if err := tail.Err(); err != nil {
					return fmt.Errorf("live tail of %s: %w", spec.Index, err)
				}
				return nil
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
func catchUp(ctx context.Context, be logstore.Backend, spec tailSpec, position string) ([]engine.Event, bool, error) {
	sr := engine.SearchRequest{Index: spec.Index, Query: spec.Query, Start: time.Unix(0, spec.FromNs), Limit: maxTailCatchUp, Order: engine.Asc}
	var after *engine.Cursor
	if position != "" {
		c, err := engine.ParseCursor(position)
		if err != nil {
			return nil, false, err
		}
		after, sr.Start = &c, time.Unix(0, c.Timestamp)
	}
	page, err := searchBeyond(ctx, be, sr, after)
	if err != nil {
		return nil, false, err
	}
	truncated := page.Next != ""
	if truncated {
		// Keep the newest rows: a live view is about now.
		// Descending from now back to position; the filter below drops
		// what is not beyond it.
		sr.Order = engine.Desc
		if page, err = searchBeyond(ctx, be, sr, nil); err != nil {
			return nil, false, err
		}
	}
	events := make([]engine.Event, 0, len(page.Hits))
	for _, h := range page.Hits {
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
