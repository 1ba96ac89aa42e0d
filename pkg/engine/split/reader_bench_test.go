package split

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/column"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// openBenchSplit writes the 1M-event fixture as a split in b's temp dir.
func openBenchSplit(b *testing.B) *Split {
	dir := b.TempDir()
	meta, err := WriteSplit(dir, fixtureSchema, benchEvents())
	if err != nil {
		b.Fatal(err)
	}
	s, err := Open(filepath.Join(dir, meta.ID))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkReadColumn measures decode throughput (checksum, snappy and
// decoding) per column of the 1M-event split, in values/s.
func BenchmarkReadColumn(b *testing.B) {
	s := openBenchSplit(b)
	for _, field := range []string{"(timestamp)", "service", "status_code", "latency_ms", "trace_id", "user_id", "message"} {
		b.Run(field, func(b *testing.B) {
			var c column.Column
			var bytes int64
			rows := 0
			for b.Loop() {
				for blk := range s.Meta.Blocks {
					var err error
					if field == "(timestamp)" {
						_, err = s.ReadTimestamps(blk, &c)
						bytes += int64(s.Meta.Blocks[blk].Time.Length)
					} else {
						err = s.ReadColumn(blk, field, &c)
						bytes += int64(s.Meta.Blocks[blk].Columns[field].Length)
					}
					if err != nil {
						b.Fatal(err)
					}
					rows += c.Rows
				}
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "values/s")
			b.SetBytes(bytes / int64(b.N))
		})
	}
}

// BenchmarkLookupTerm measures term-index lookups on the 1M-event split:
// a keyword in bleve, a rare message token and a trace id (bloom filters),
// and an endpoint prefix.
func BenchmarkLookupTerm(b *testing.B) {
	s := openBenchSplit(b)
	trace, _ := benchEvents()[500_000].Get("trace_id")
	cases := []struct {
		name, field, term string
		prefix            bool
	}{
		{"keyword", "severity", "error", false},
		{"rare_token", "message", "rare000123", false},
		{"trace_id", "trace_id", trace.Str, false},
		{"prefix", "endpoint", "/api/v2/", true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var err error
				if tc.prefix {
					_, err = s.LookupPrefix(tc.field, tc.term)
				} else {
					_, err = s.LookupTerm(tc.field, tc.term)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadEvents measures rebuilding 100 whole events of one block (a
// page of log lines).
func BenchmarkReadEvents(b *testing.B) {
	s := openBenchSplit(b)
	rows := make([]int, 100)
	for i := range rows {
		rows[i] = i * 50
	}
	var dst []event.Event
	for b.Loop() {
		var err error
		if dst, err = s.ReadEvents(3, rows, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadSplitMeta measures what a catalog pays per split at start-up
// (and OpenSplit per query): reading, checking and parsing the metadata of
// the 1M-event split.
func BenchmarkReadSplitMeta(b *testing.B) {
	s := openBenchSplit(b)
	b.SetBytes(fileSize(b, filepath.Join(s.Path(), SplitMetaFile)))
	for b.Loop() {
		if _, err := ReadMeta(s.Path()); err != nil {
			b.Fatal(err)
		}
	}
}

func fileSize(b *testing.B, path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return info.Size()
}
