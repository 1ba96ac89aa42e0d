package ingest

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang/snappy"
	"google.golang.org/protobuf/encoding/protowire"
)

// lokiEntry is one entry of a protobuf push built by the tests.
type lokiEntry struct {
	secs, nanos int64
	line        string
	meta        [][2]string
}

// encodePush serializes a logproto.PushRequest field by field, as
// Promtail and Grafana Alloy do, then snappy-compresses it.
func encodePush(streams map[string][]lokiEntry, order []string) []byte {
	var req []byte
	for _, labels := range order {
		var s []byte
		s = protowire.AppendTag(s, streamLabels, protowire.BytesType)
		s = protowire.AppendString(s, labels)
		for _, e := range streams[labels] {
			var ts []byte
			ts = protowire.AppendTag(ts, timestampSeconds, protowire.VarintType)
			ts = protowire.AppendVarint(ts, uint64(e.secs))
			ts = protowire.AppendTag(ts, timestampNanos, protowire.VarintType)
			ts = protowire.AppendVarint(ts, uint64(e.nanos))
			var en []byte
			en = protowire.AppendTag(en, entryTimestamp, protowire.BytesType)
			en = protowire.AppendBytes(en, ts)
			en = protowire.AppendTag(en, entryLine, protowire.BytesType)
			en = protowire.AppendString(en, e.line)
			for _, m := range e.meta {
				var p []byte
				p = protowire.AppendTag(p, labelPairName, protowire.BytesType)
				p = protowire.AppendString(p, m[0])
				p = protowire.AppendTag(p, labelPairValue, protowire.BytesType)
				p = protowire.AppendString(p, m[1])
				en = protowire.AppendTag(en, entryStructuredMetadata, protowire.BytesType)
				en = protowire.AppendBytes(en, p)
			}
			s = protowire.AppendTag(s, streamEntries, protowire.BytesType)
			s = protowire.AppendBytes(s, en)
		}
		s = protowire.AppendTag(s, 3, protowire.VarintType) // hash, ignored
		s = protowire.AppendVarint(s, 12345)
		req = protowire.AppendTag(req, pushRequestStreams, protowire.BytesType)
		req = protowire.AppendBytes(req, s)
	}
	return snappy.Encode(nil, req)
}

func TestLokiPush(t *testing.T) {
	proto := encodePush(map[string][]lokiEntry{
		`{app="checkout", env="prod"}`: {
			{1768487504, 123456789, "payment failed: \"timeout\"", [][2]string{{"trace_id", "abc123"}}},
			{1768487505, 0, "retry ok", nil},
		},
	}, []string{`{app="checkout", env="prod"}`})
	tests := []struct {
		name       string
		opts       HandlerOptions
		req        request
		wantStatus int
		wantBody   string
		wantDocs   []string
	}{
		{
			name:       "json",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/json"}, []byte(`{"streams":[{"stream":{"env":"prod","app":"checkout"},"values":[["1768487504123456789","payment failed",{"trace_id":"abc123"}],["1768487505000000000","retry ok"]]}]}`)},
			wantStatus: 204,
			wantDocs: []string{
				`{"timestamp":"2026-01-15T14:31:44.123456789Z","message":"payment failed","app":"checkout","env":"prod","trace_id":"abc123"}`,
				`{"timestamp":"2026-01-15T14:31:45Z","message":"retry ok","app":"checkout","env":"prod"}`,
			},
		},
		{
			name:       "json gzip",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"}, gzipped(t, []byte(`{"streams":[{"stream":{"app":"a"},"values":[["1","x"]]}]}`))},
			wantStatus: 204,
			wantDocs:   []string{`{"timestamp":"1970-01-01T00:00:00.000000001Z","message":"x","app":"a"}`},
		},
		{
			name:       "protobuf",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/x-protobuf"}, proto},
			wantStatus: 204,
			wantDocs: []string{
				`{"timestamp":"2026-01-15T14:31:44.123456789Z","message":"payment failed: \"timeout\"","app":"checkout","env":"prod","trace_id":"abc123"}`,
				`{"timestamp":"2026-01-15T14:31:45Z","message":"retry ok","app":"checkout","env":"prod"}`,
			},
		},
		{
			name:       "protobuf that is not snappy",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/x-protobuf"}, []byte("plain text")},
			wantStatus: 400, wantBody: `loki push protobuf: body is not snappy block-compressed`,
		},
		{
			name:       "json with a numeric timestamp",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/json"}, []byte(`{"streams":[{"stream":{"app":"a"},"values":[[1,"x"]]}]}`)},
			wantStatus: 400, wantBody: `streams[0].values[0] timestamp must be a string of Unix nanoseconds`,
		},
		{
			name:       "protobuf snappy bomb",
			opts:       HandlerOptions{MaxBodyBytes: 64 << 10},
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/x-protobuf"}, snappy.Encode(nil, make([]byte, 1<<20))},
			wantStatus: 413, wantBody: `decompressed request body is larger than the 65536-byte limit (64 KiB)`,
		},
		{
			name:       "rejected entry",
			req:        request{"POST", "/loki/api/v1/push", map[string]string{"Content-Type": "application/json"}, []byte(`{"streams":[{"stream":{"app":"a"},"values":[["1","reject-me"],["2","fine"]]}]}`)},
			wantStatus: 400, wantBody: `1 of 2 entries rejected; entry 0: field severity`,
			wantDocs: []string{`{"timestamp":"1970-01-01T00:00:00.000000002Z","message":"fine","app":"a"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore("logs")
			srv := httptest.NewServer(NewHandler(store, tt.opts))
			defer srv.Close()
			resp := do(t, srv, tt.req)
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if !strings.Contains(string(resp.body), tt.wantBody) {
				t.Errorf("body %s\nlacks %s", resp.body, tt.wantBody)
			}
			got := store.docs("logs")
			if strings.Join(got, "\n") != strings.Join(tt.wantDocs, "\n") {
				t.Errorf("stored docs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.wantDocs, "\n"))
			}
		})
	}
}
