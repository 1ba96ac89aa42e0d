package plugin

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// SubscribeStream admits a Grafana Live subscription only for paths this
// datasource serves.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
}

// RunStream is called by Grafana for admitted subscriptions only.
func (d *Datasource) RunStream(_ context.Context, req *backend.RunStreamRequest, _ *backend.StreamSender) error {
	return fmt.Errorf("no stream at path %q", req.Path)
}

// PublishStream refuses: clients ingest through the ingest API, not Live.
func (d *Datasource) PublishStream(_ context.Context, _ *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}
