package server

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/triage-logs/triage/pkg/engine"
)

// EngineCollector exports the state of open stores as Prometheus series,
// read from the engine at scrape time, one set per index labelled by the
// store's directory (a Grafana server may run several datasources, each
// with its own store).
type EngineCollector struct {
	mu     sync.Mutex
	stores map[string]*engine.Engine
}

// NewEngineCollector returns a collector with no stores; register it once.
func NewEngineCollector() *EngineCollector {
	return &EngineCollector{stores: map[string]*engine.Engine{}}
}

// Add exports eng's indexes under the label store=dir until Remove(dir).
func (c *EngineCollector) Add(dir string, eng *engine.Engine) {
	c.mu.Lock()
	c.stores[dir] = eng
	c.mu.Unlock()
}

// Remove stops exporting the store in dir.
func (c *EngineCollector) Remove(dir string) {
	c.mu.Lock()
	delete(c.stores, dir)
	c.mu.Unlock()
}

var indexLabels = []string{"store", "index"}

func indexDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, indexLabels, nil)
}

var (
	descEvents        = indexDesc("triage_index_events", "Events stored in the index, in splits and the in-memory head.")
	descSplits        = indexDesc("triage_index_splits", "Splits (immutable, searchable files) of the index.")
	descSplitBytes    = indexDesc("triage_index_split_bytes", "Size on disk of the index's splits.")
	descHeadEvents    = indexDesc("triage_index_head_events", "Events in the in-memory head, not yet flushed to a split.")
	descHeadBytes     = indexDesc("triage_index_head_bytes", "Memory held by the in-memory head.")
	descWALBytes      = indexDesc("triage_index_wal_bytes", "Size on disk of the index's write-ahead log.")
	descWALSegments   = indexDesc("triage_index_wal_segments", "Segment files of the index's write-ahead log.")
	descMerges        = indexDesc("triage_index_merges_total", "Merges of small splits committed since the store was opened.")
	descMergeFailures = indexDesc("triage_index_merge_failures_total", "Merges of small splits that failed since the store was opened (retried a minute later).")
	descDamaged       = indexDesc("triage_index_damaged_splits", "Splits set aside because they failed their checksums; their events are not searched.")
	descNewest        = indexDesc("triage_index_newest_event_timestamp_seconds", "Timestamp of the newest event in the index (0 when empty).")

	descMatchHits   = prometheus.NewDesc("triage_match_cache_hits_total", "Split blocks whose matching rows a query found in the store's match cache.", []string{"store"}, nil)
	descMatchMisses = prometheus.NewDesc("triage_match_cache_misses_total", "Split blocks a query had to test because the match cache did not hold them.", []string{"store"}, nil)
	descMatchBlocks = prometheus.NewDesc("triage_match_cache_blocks", "Block results the store's match cache holds.", []string{"store"}, nil)
)

// Describe sends the descriptors of every series.
func (c *EngineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEvents, descSplits, descSplitBytes, descHeadEvents, descHeadBytes,
		descWALBytes, descWALSegments, descMerges, descMergeFailures, descDamaged, descNewest,
		descMatchHits, descMatchMisses, descMatchBlocks} {
		ch <- d
	}
}

// Collect reads every index of every store. An index deleted or a store
// closed during the scrape is skipped, not reported as zero.
func (c *EngineCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	stores := make(map[string]*engine.Engine, len(c.stores))
	for dir, eng := range c.stores {
		stores[dir] = eng
	}
	c.mu.Unlock()
	for dir, eng := range stores {
		mc := eng.MatchCacheStats()
		ch <- prometheus.MustNewConstMetric(descMatchHits, prometheus.CounterValue, float64(mc.Hits), dir)
		ch <- prometheus.MustNewConstMetric(descMatchMisses, prometheus.CounterValue, float64(mc.Misses), dir)
		ch <- prometheus.MustNewConstMetric(descMatchBlocks, prometheus.GaugeValue, float64(mc.Blocks), dir)
		for _, index := range eng.ListIndexes() {
			_, st, err := eng.DescribeIndex(index)
			if err != nil {
				continue
			}
			walBytes, err := eng.WALBytes(index)
			if err != nil {
				continue
			}
			gauge := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, dir, index)
			}
			counter := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, dir, index)
			}
			gauge(descEvents, float64(st.Events))
			gauge(descSplits, float64(st.Splits))
			gauge(descSplitBytes, float64(st.SplitBytes))
			gauge(descHeadEvents, float64(st.HeadEvents))
			gauge(descHeadBytes, float64(st.HeadBytes))
			gauge(descWALBytes, float64(walBytes))
			gauge(descWALSegments, float64(st.WALSegments))
			counter(descMerges, float64(st.Merges))
			counter(descMergeFailures, float64(st.MergeFailures))
			gauge(descDamaged, float64(len(st.CorruptSplits)))
			gauge(descNewest, float64(st.MaxTime)/1e9)
		}
	}
}

var (
	defaultEnginesOnce sync.Once
	defaultEngines     *EngineCollector
)

// DefaultEngineCollector is registered once on Prometheus' default
// registry, which the plugin's listeners serve and the SDK hands to Grafana.
func DefaultEngineCollector() *EngineCollector {
	defaultEnginesOnce.Do(func() {
		defaultEngines = NewEngineCollector()
		prometheus.MustRegister(defaultEngines)
	})
	return defaultEngines
}

// standaloneMetrics gives `gpx_triage serve` a registry of its own: Triage's
// series, the stores' (add the store to the returned collector once open),
// and the Go runtime's and process's, without the plugin SDK's series
// (plugins_active_instances and the like), which describe a Grafana plugin
// and read as misleading zeros here.
func standaloneMetrics() (*Metrics, *EngineCollector) {
	reg := prometheus.NewRegistry()
	engines := NewEngineCollector()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), engines)
	return NewMetrics(reg, reg), engines
}
