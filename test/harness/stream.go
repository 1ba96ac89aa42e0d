package harness

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Stream is a running RunStream call: the frames the plugin pushes, as
// Grafana Live receives them.
type Stream struct {
	Frames <-chan *data.Frame
	// Err receives the stream's end: nil when cancelled, else the error.
	Err <-chan error
}

// RunStream starts the plugin's stream for path, as Grafana does for the
// first subscriber of a channel; cancel ctx to end it.
func (ds *Datasource) RunStream(ctx context.Context, path string) (*Stream, error) {
	client, err := ds.Plugin.Stream.RunStream(ctx, &pluginv2.RunStreamRequest{PluginContext: ds.pluginContext(), Path: path})
	if err != nil {
		return nil, err
	}
	frames := make(chan *data.Frame, 64)
	errs := make(chan error, 1)
	go func() {
		defer close(frames)
		for {
			pkt, err := client.Recv()
			if err != nil {
				if ctx.Err() != nil {
					err = nil
				}
				errs <- err
				return
			}
			var f data.Frame
			if err := json.Unmarshal(pkt.Data, &f); err != nil {
				errs <- fmt.Errorf("decode stream packet: %w", err)
				return
			}
			frames <- &f
		}
	}()
	return &Stream{Frames: frames, Err: errs}, nil
}
