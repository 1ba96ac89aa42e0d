package victorialogs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/transport"
	"github.com/triage-logs/triage/pkg/engine"
)

// tailBatch bounds the events of one delivered batch.
const tailBatch = 256

// TailDelay is how long VictoriaLogs holds new events back before live
// tail returns them (its offset argument), so that events arriving late
// from collectors are not skipped.
var TailDelay = 5 * time.Second

// Tail follows /select/logsql/tail: VictoriaLogs streams new matching rows
// as JSON lines; they are delivered in batches as they arrive.
func (b *Backend) Tail(ctx context.Context, req backend.TailRequest) (backend.Tail, error) {
	filter, err := b.filter(req.Query, time.Time{}, time.Time{}, time.Now())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	f := backend.NewFeed(req.Buffer, cancel)
	args := url.Values{"query": {filter}, "offset": {duration(TailDelay)}}
	// VictoriaLogs sends the answer's headers with the first rows, so the
	// connection is made in the background; its failure ends the tail.
	go func() {
		res, err := b.c.Stream(ctx, transport.Request{
			Method: http.MethodPost, Path: "/select/logsql/tail", Body: []byte(args.Encode()),
			ContentType: "application/x-www-form-urlencoded", Header: b.header,
		})
		if err != nil {
			if ctx.Err() != nil {
				err = nil
			}
			f.Finish(err)
			return
		}
		defer res.Body.Close()
		b.deliver(ctx, f, res.Body)
	}()
	return f, nil
}

// deliver reads rows and hands them over in batches of what has arrived.
func (b *Backend) deliver(ctx context.Context, f *backend.Feed, body io.Reader) {
	events := make(chan engine.Event, tailBatch)
	readErr := make(chan error, 1)
	go func() {
		readErr <- b.readTail(ctx, body, events)
		close(events)
	}()
	for {
		ev, ok := <-events
		if !ok {
			err := <-readErr
			if ctx.Err() != nil {
				err = nil // stopped on request
			}
			f.Finish(err)
			return
		}
		batch := []engine.Event{ev}
	drain:
		for len(batch) < tailBatch {
			select {
			case ev, ok := <-events:
				if !ok {
					break drain
				}
				batch = append(batch, ev)
			default:
				break drain
			}
		}
		f.Send(batch)
	}
}

// readTail parses streamed rows until the stream ends.
func (b *Backend) readTail(ctx context.Context, body io.Reader, out chan<- engine.Event) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		r, err := parseRow(line)
		if err != nil {
			return fmt.Errorf("victorialogs: /select/logsql/tail: %w", err)
		}
		select {
		case out <- b.event(r):
		case <-ctx.Done():
			return nil
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("victorialogs: /select/logsql/tail: the stream broke: %w", err)
	}
	return errors.New("victorialogs: /select/logsql/tail: the server ended the stream")
}
