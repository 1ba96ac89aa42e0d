package quickwit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// PollInterval is how often a live tail asks Quickwit for new events.
var PollInterval = time.Second

// maxPollFailures ends a tail after this many polls failed in a row.
const maxPollFailures = 10

// pollPage is the page size of one poll.
const pollPage = 1000

// Tail polls for new events. Quickwit makes a document searchable only
// when its split is committed, up to the index's commit timeout after
// ingest, so a poll asks only for whole seconds older than that delay (the
// watermark) and moves its cursor to the watermark: each second is read
// once, after it is complete. The live view lags by the commit delay.
func (b *Backend) Tail(ctx context.Context, req backend.TailRequest) (backend.Tail, error) {
	m, err := b.mapping(ctx, req.Index)
	if err != nil {
		return nil, err
	}
	if _, err := b.esQuery(ctx, m, req.Query, time.Time{}, time.Time{}, time.Now()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	f := backend.NewFeed(req.Buffer, cancel)
	go b.poll(ctx, f, req, m.info.CommitDelay)
	return f, nil
}

// watermark is the end of the complete seconds at now.
func watermark(now time.Time, delay time.Duration) time.Time {
	return now.Add(-delay).Truncate(time.Second)
}

func (b *Backend) poll(ctx context.Context, f *backend.Feed, req backend.TailRequest, delay time.Duration) {
	cursor := watermark(time.Now(), delay)
	ticker := time.NewTicker(PollInterval)
	defer ticker.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			f.Finish(nil)
			return
		case <-ticker.C:
		}
		wm := watermark(time.Now(), delay)
		if !wm.After(cursor) {
			continue
		}
		err := b.pollRange(ctx, f, req, cursor, wm)
		switch {
		case err == nil:
			cursor, failures = wm, 0
		case ctx.Err() != nil:
			f.Finish(nil)
			return
		default:
			var perr *backend.PartialError
			if failures++; failures >= maxPollFailures || errors.As(err, &perr) {
				f.Finish(fmt.Errorf("quickwit: live tail of %s stopped: %w", req.Index, err))
				return
			}
		}
	}
}

// pollRange delivers every matching event of [from, to), oldest first.
func (b *Backend) pollRange(ctx context.Context, f *backend.Feed, req backend.TailRequest, from, to time.Time) error {
	cur := ""
	for {
		res, err := b.Search(ctx, backend.SearchRequest{Cursor: cur, SearchRequest: engine.SearchRequest{
			Index: req.Index, Query: req.Query, Start: from, End: to, Limit: pollPage, Order: engine.Asc,
		}})
		if err != nil {
			return err
		}
		if len(res.Warnings) > 0 {
			// A live view cannot show a gap it does not know the size of.
			return &backend.PartialError{Warnings: []string{strings.Join(res.Warnings, "; ")}}
		}
		batch := make([]engine.Event, len(res.Hits))
		for i, h := range res.Hits {
			batch[i] = h.Event
		}
		f.Send(batch)
		if res.Cursor == "" {
			return nil
		}
		cur = res.Cursor
	}
}
