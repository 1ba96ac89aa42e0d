package ingest

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// BenchmarkDecodeNDJSON measures reading and splitting a 1,000-event
// Quickwit batch (the work done before the store sees it), with and
// without gzip.
func BenchmarkDecodeNDJSON(b *testing.B) {
	g := loadgen.New(loadgen.Config{Seed: 1})
	var batch []byte
	for range 1000 {
		batch = g.AppendNext(batch)
		batch = append(batch, '\n')
	}
	for _, tc := range []struct {
		name     string
		body     []byte
		encoding string
	}{
		{"plain", batch, ""},
		{"gzip", gzipped(b, batch), "gzip"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(batch)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/logs/ingest", bytes.NewReader(tc.body))
				if tc.encoding != "" {
					req.Header.Set("Content-Encoding", tc.encoding)
				}
				body, err := ReadBody(req, DefaultMaxBodyBytes)
				if err != nil {
					b.Fatal(err)
				}
				if got := ParseNDJSON(body); len(got.Docs) != 1000 {
					b.Fatalf("%d docs", len(got.Docs))
				}
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "events/s")
		})
	}
}
