package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/ingest"
)

// Metrics are the Prometheus series Triage exports on /metrics. Bucket
// bounds follow each quantity: fsyncs take ~0.1–50 ms on real disks,
// queries 1 ms–10 s, request bodies up to the 10 MiB limit.
type Metrics struct {
	IngestEvents     *prometheus.CounterVec
	IngestBytes      *prometheus.CounterVec
	IngestRequests   *prometheus.CounterVec
	IngestOverloaded *prometheus.CounterVec
	IngestBodyBytes  prometheus.Histogram
	WALFsync         prometheus.Histogram
	QueryDuration    *prometheus.HistogramVec
	QueryBlocks      prometheus.Counter
	PartialAnswers   *prometheus.CounterVec
	gatherer         prometheus.Gatherer
}

var (
	defaultMetricsOnce sync.Once
	defaultMetrics     *Metrics
)

// DefaultMetrics registers the metrics once on Prometheus' default
// registry, which the plugin SDK also hands to Grafana.
func DefaultMetrics() *Metrics {
	defaultMetricsOnce.Do(func() {
		defaultMetrics = NewMetrics(prometheus.DefaultRegisterer, prometheus.DefaultGatherer)
	})
	return defaultMetrics
}

// NewMetrics creates and registers the metrics on reg.
func NewMetrics(reg prometheus.Registerer, gatherer prometheus.Gatherer) *Metrics {
	m := &Metrics{
		IngestEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_ingest_events_total", Help: "Documents received for ingest, by index and outcome (accepted, rejected).",
		}, []string{"index", "outcome"}),
		IngestBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_ingest_bytes_total", Help: "Bytes of documents received for ingest (decompressed), by index and outcome.",
		}, []string{"index", "outcome"}),
		IngestRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_http_requests_total", Help: "HTTP requests answered by the listener, by API and status code.",
		}, []string{"api", "code"}),
		IngestOverloaded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_ingest_overloaded_total", Help: "Ingest calls refused because the buffer was full (answered 429), by index.",
		}, []string{"index"}),
		IngestBodyBytes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_http_request_body_bytes", Help: "Size of ingest request bodies as received.",
			Buckets: prometheus.ExponentialBuckets(1024, 4, 8), // 1 KiB .. 16 MiB
		}),
		WALFsync: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "triage_wal_fsync_seconds", Help: "Latency of write-ahead log fsyncs (one per commit group).",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14), // 0.1 ms .. 0.8 s
		}),
		QueryDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "triage_query_duration_seconds", Help: "Latency of queries, by kind (search, aggregate, grafana query type).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1 ms .. 8 s
		}, []string{"kind"}),
		QueryBlocks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "triage_query_blocks_scanned_total", Help: "Split blocks read by queries: the work they do, which stops when a query is cancelled or runs out of time.",
		}),
		PartialAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triage_query_partial_answers_total", Help: "Queries answered without some damaged splits (named in the answer and the log), by index.",
		}, []string{"index"}),
		gatherer: gatherer,
	}
	reg.MustRegister(m.IngestEvents, m.IngestBytes, m.IngestRequests, m.IngestOverloaded, m.IngestBodyBytes, m.WALFsync, m.QueryDuration,
		m.QueryBlocks, m.PartialAnswers)
	return m
}

// EngineOptions hooks the engine's events into the metrics: WAL fsyncs,
// blocks scanned and partial answers.
func (m *Metrics) EngineOptions(opts engine.Options) engine.Options {
	opts.OnWALSync = m.ObserveWALSync
	opts.OnBlockScanned = m.QueryBlocks.Inc
	opts.OnPartialResult = func(index string, _ []string) { m.PartialAnswers.WithLabelValues(index).Inc() }
	return opts
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

// ObserveWALSync records one WAL fsync (see EngineOptions).
func (m *Metrics) ObserveWALSync(d time.Duration) { m.WALFsync.Observe(d.Seconds()) }

// ObserveQuery records one query's latency.
func (m *Metrics) ObserveQuery(kind string, started time.Time) {
	m.QueryDuration.WithLabelValues(kind).Observe(time.Since(started).Seconds())
}

// InstrumentStore counts what passes through an ingest store.
func (m *Metrics) InstrumentStore(s ingest.Store) ingest.Store {
	return &instrumentedStore{next: s, m: m}
}

type instrumentedStore struct {
	next ingest.Store
	m    *Metrics
}

func (s *instrumentedStore) Ingest(ctx context.Context, index string, docs [][]byte, opts engine.IngestOptions) (engine.IngestResult, error) {
	res, err := s.next.Ingest(ctx, index, docs, opts)
	if errors.Is(err, engine.ErrOverloaded) {
		s.m.IngestOverloaded.WithLabelValues(index).Inc()
	}
	if err != nil {
		return res, err
	}
	// Rejected is in position order: walk it beside docs rather than
	// building a set as large as the batch.
	var okBytes, badBytes int
	next := 0
	for i, d := range docs {
		if next < len(res.Rejected) && res.Rejected[next].Position == i {
			badBytes += len(d)
			next++
		} else {
			okBytes += len(d)
		}
	}
	s.m.IngestEvents.WithLabelValues(index, "accepted").Add(float64(res.Accepted))
	s.m.IngestEvents.WithLabelValues(index, "rejected").Add(float64(len(res.Rejected)))
	s.m.IngestBytes.WithLabelValues(index, "accepted").Add(float64(okBytes))
	s.m.IngestBytes.WithLabelValues(index, "rejected").Add(float64(badBytes))
	return res, nil
}

// InstrumentHTTP counts requests by API and status code.
func (m *Metrics) InstrumentHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		if r.ContentLength > 0 {
			m.IngestBodyBytes.Observe(float64(r.ContentLength))
		}
		next.ServeHTTP(rec, r)
		m.IngestRequests.WithLabelValues(apiOf(r.URL.Path), strconv.Itoa(rec.status)).Inc()
	})
}

// apiOf names the API a path belongs to, keeping label cardinality fixed.
func apiOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/_elastic"):
		return "elastic"
	case strings.HasPrefix(path, "/loki/"):
		return "loki"
	case strings.HasSuffix(path, "/ingest"):
		return "quickwit_ingest"
	case strings.HasSuffix(path, "/search"):
		return "search"
	case strings.HasPrefix(path, "/api/v1/indexes"):
		return "indexes"
	case path == "/metrics":
		return "metrics"
	}
	return "other"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
