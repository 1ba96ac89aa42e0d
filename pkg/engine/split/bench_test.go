package split

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// benchEvents is the 1M-event fixture, generated once per process.
var benchEvents = sync.OnceValue(func() []event.Event { return fixtureEvents(1_000_000, 2026) })

// dirSize sums the sizes of the files under path.
func dirSize(tb testing.TB, path string) int64 {
	var n int64
	err := filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkWriteSplit measures WriteSplit on 1M incident-shaped events:
// events/s and bytes/event on disk, term index included.
func BenchmarkWriteSplit(b *testing.B) {
	events := benchEvents()
	var size int64
	b.ResetTimer()
	for b.Loop() {
		dir := b.TempDir()
		meta, err := WriteSplit(dir, fixtureSchema, events)
		if err != nil {
			b.Fatal(err)
		}
		size = meta.SizeBytes
	}
	b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(size)/float64(len(events)), "B/event")
}

// BenchmarkWriteSplitGranules compares term-index units: build time, bytes
// of the data and of the term index per event, and how many rows a rare
// token (one in ~1000 messages) leaves to scan.
func BenchmarkWriteSplitGranules(b *testing.B) {
	events := benchEvents()
	// The rare tokens of the fixture: "rareNNNNNN" in ~0.1% of messages.
	var rare []string
	for _, e := range events {
		v, _ := e.Get("message")
		if i := strings.Index(v.Str, "rare"); i >= 0 {
			rare = append(rare, v.Str[i:i+10])
		}
		if len(rare) == 50 {
			break
		}
	}
	for _, o := range []Options{
		{BlockRows: 16384, GranuleRows: 16384},
		{BlockRows: 8192, GranuleRows: 8192},
		{BlockRows: 8192, GranuleRows: 1024},
		{BlockRows: 4096, GranuleRows: 4096},
		{BlockRows: 1024, GranuleRows: 1024},
		{BlockRows: 8192, GranuleRows: 8192, noBlooms: true},
	} {
		name := fmt.Sprintf("block%d_granule%d", o.BlockRows, o.GranuleRows)
		if o.noBlooms {
			name += "_all_in_bleve"
		}
		b.Run(name, func(b *testing.B) {
			var meta Meta
			var dir string
			for b.Loop() {
				dir = b.TempDir()
				var err error
				if meta, err = writeSplit(dir, fixtureSchema, events, o); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			path := filepath.Join(dir, meta.ID)
			s, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			scanned := 0
			for _, tok := range rare {
				g, err := s.LookupTerm("message", tok)
				if err != nil {
					b.Fatal(err)
				}
				scanned += int(g.GetCardinality()) * o.GranuleRows
			}
			n := float64(len(events))
			b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(meta.SizeBytes)/n, "B/event")
			b.ReportMetric(float64(dirSize(b, filepath.Join(path, SplitTermsDir)))/n, "bleve-B/event")
			b.ReportMetric(float64(dirSize(b, filepath.Join(path, splitBloomFile)))/n, "bloom-B/event")
			b.ReportMetric(float64(scanned)/float64(len(rare)), "rows-scanned/rare-token")
		})
	}
}
