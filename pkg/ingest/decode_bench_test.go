package ingest

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// BenchmarkDecodeNDJSON measures reading and splitting a Quickwit batch
// (the work done before the store sees it) of 1,000 events and of 25,000
// (8 MB, what Vector's http sink sends under load), with and without gzip.
func BenchmarkDecodeNDJSON(b *testing.B) {
	g := loadgen.New(loadgen.Config{Seed: 1})
	var small, large []byte
	for n := 1; n <= 25000; n++ {
		large = g.AppendNext(large)
		large = append(large, '\n')
		if n == 1000 {
			small = bytes.Clone(large)
		}
	}
	for _, tc := range []struct {
		name     string
		batch    []byte
		encoding string
	}{
		{"plain", small, ""},
		{"gzip", small, "gzip"},
		{"plain-8MB", large, ""},
	} {
		events := bytes.Count(tc.batch, []byte{'\n'})
		body := tc.batch
		if tc.encoding == "gzip" {
			body = gzipped(b, tc.batch)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.batch)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/logs/ingest", bytes.NewReader(body))
				if tc.encoding != "" {
					req.Header.Set("Content-Encoding", tc.encoding)
				}
				got, err := ReadBody(req, DefaultMaxBodyBytes)
				if err != nil {
					b.Fatal(err)
				}
				if docs := ParseNDJSON(got); len(docs.Docs) != events {
					b.Fatalf("%d docs, want %d", len(docs.Docs), events)
				}
			}
			b.ReportMetric(float64(b.N)*float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
