package test

import (
	"fmt"
	"testing"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// alertingRead is what Grafana's server-side expressions (alert rules) make
// of a query's frames.
type alertingRead struct {
	kind   data.FrameTypeKind
	noData bool
	// refs are the series or numbers read, each as "name{labels}".
	refs []string
}

// readAsAlerting reads frames as Grafana's alerting does, following
// pkg/expr/converter.go (Convert: no frames is no data) and
// pkg/expr/dataplane.go (shouldUseDataplane: a typed first frame with a
// non-zero type version goes through reader.CanReadBasedOnMeta; then
// handleDataplaneTimeseries / handleDataplaneNumeric with the
// grafana/dataplane/sdata collection readers and NoData()). A frame that
// would fall back to Grafana's older, untyped path is an error here: the
// plugin's frames must take the data plane path.
func readAsAlerting(frames data.Frames) (alertingRead, error) {
	if len(frames) == 0 {
		return alertingRead{noData: true}, nil
	}
	first := frames[0]
	if first.Meta == nil || first.Meta.Type == "" || first.Meta.TypeVersion.IsZero() {
		return alertingRead{}, fmt.Errorf("first frame %+v has no data plane type and version: Grafana reads it the legacy way", first.Meta)
	}
	dt, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		return alertingRead{}, fmt.Errorf("reader.CanReadBasedOnMeta: %w", err)
	}
	out := alertingRead{kind: dt.Kind()}
	switch dt.Kind() {
	case data.KindTimeSeries:
		r, err := timeseries.CollectionReaderFromFrames(frames)
		if err != nil {
			return out, err
		}
		c, err := r.GetCollection(false)
		if err != nil {
			return out, err
		}
		out.noData, out.refs = c.NoData(), refNames(c.Refs)
		return out, versionError(c.Warning)
	case data.KindNumeric:
		r, err := numeric.CollectionReaderFromFrames(frames)
		if err != nil {
			return out, err
		}
		c, err := r.GetCollection(false)
		if err != nil {
			return out, err
		}
		out.noData, out.refs = c.NoData(), refNames(c.Refs)
		return out, versionError(c.Warning)
	}
	return out, fmt.Errorf("kind %s is not one server-side expressions read", dt.Kind())
}

// refNames names each series or number as "name{labels}".
func refNames[R interface {
	GetMetricName() string
	GetLabels() data.Labels
}](refs []R) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.GetMetricName()+r.GetLabels().String())
	}
	return out
}

// versionError fails on a type version the readers do not know.
func versionError(w error) error {
	if w != nil {
		return fmt.Errorf("version warning: %w", w)
	}
	return nil
}

// Every numeric frame the plugin returns reads through Grafana's data plane
// readers as alerting reads it, and an answer without data reads as NoData
// (so an alert rule's noDataState fires instead of reducing to NaN).
func TestFramesReadThroughDataplaneAsAlertingDoes(t *testing.T) {
	ds := demoDatasource(t, nil)
	tests := []struct {
		name     string
		json     string
		kind     data.FrameTypeKind
		noData   bool
		wantRefs []string // when set, exactly these
		minRefs  int
	}{
		{name: "timeseries, one series", json: `{"queryType":"timeseries","query":"severity:error","interval":"5m"}`,
			kind: data.KindTimeSeries, wantRefs: []string{"count"}},
		{name: "timeseries grouped, multi", json: `{"queryType":"timeseries","query":"severity:error","groupBy":[{"field":"service","size":3}],"interval":"5m"}`,
			kind: data.KindTimeSeries, minRefs: 2},
		{name: "timeseries, two metrics", json: `{"queryType":"timeseries","query":"service:payment-service","metrics":[{"type":"percentile","field":"latency_ms","percent":99},{"type":"avg","field":"latency_ms"}],"interval":"10m"}`,
			kind: data.KindTimeSeries, wantRefs: []string{"p99(latency_ms)", "avg(latency_ms)"}},
		// A count over a range without events is a series of zeros: data.
		{name: "count without matches", json: `{"queryType":"timeseries","query":"service:no-such-service","interval":"5m"}`,
			kind: data.KindTimeSeries, wantRefs: []string{"count"}},
		{name: "p99 without matches", json: `{"queryType":"timeseries","query":"service:no-such-service","metrics":[{"type":"percentile","field":"latency_ms","percent":99}],"interval":"5m"}`,
			kind: data.KindTimeSeries, noData: true},
		{name: "timeseries grouped without matches", json: `{"queryType":"timeseries","query":"service:no-such-service","groupBy":[{"field":"service"}],"interval":"5m"}`,
			kind: data.KindTimeSeries, noData: true},
		{name: "logs volume", json: `{"queryType":"logsVolume","query":"service:payment-service","interval":"10m"}`,
			kind: data.KindTimeSeries, minRefs: 2},
		{name: "logs volume without matches", json: `{"queryType":"logsVolume","query":"service:no-such-service","interval":"10m"}`,
			kind: data.KindTimeSeries, noData: true},
		{name: "table grouped, numeric long", json: `{"queryType":"table","query":"severity:error","metrics":[{"type":"count"},{"type":"max","field":"latency_ms"}],"groupBy":[{"field":"endpoint","size":5}]}`,
			kind: data.KindNumeric, minRefs: 10},
		{name: "table grouped without matches", json: `{"queryType":"table","query":"service:no-such-service","groupBy":[{"field":"endpoint"}]}`,
			kind: data.KindNumeric, noData: true},
		{name: "table totals, numeric wide", json: `{"queryType":"table","query":"*","metrics":[{"type":"count"},{"type":"cardinality","field":"service"}]}`,
			kind: data.KindNumeric, wantRefs: []string{"count", "cardinality(service)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ds.Query(t, demoQuery("A", tt.json))["A"]
			if r.Error != "" {
				t.Fatalf("query failed: %s", r.Error)
			}
			got, err := readAsAlerting(r.Frames)
			if err != nil {
				t.Fatalf("alerting cannot read the frames: %v", err)
			}
			if got.noData != tt.noData || (!tt.noData && got.kind != tt.kind) {
				t.Fatalf("read as kind %q noData=%v (refs %v), want kind %q noData=%v", got.kind, got.noData, got.refs, tt.kind, tt.noData)
			}
			if tt.wantRefs != nil && fmt.Sprint(got.refs) != fmt.Sprint(tt.wantRefs) {
				t.Fatalf("refs %v, want %v", got.refs, tt.wantRefs)
			}
			if len(got.refs) < tt.minRefs {
				t.Fatalf("refs %v, want at least %d", got.refs, tt.minRefs)
			}
			if tt.kind == data.KindNumeric && r.Frames[0].Rows() > 1 {
				if r.Frames[0].Meta.Type != data.FrameTypeNumericLong {
					t.Fatalf("a table of %d rows with string dimensions is typed %q, want numeric-long", r.Frames[0].Rows(), r.Frames[0].Meta.Type)
				}
			}
		})
	}
	// The strict reading (sorted time, no duplicate series) holds too.
	r := ds.Query(t, demoQuery("A", `{"queryType":"timeseries","query":"*","groupBy":[{"field":"service"}],"interval":"1m"}`))["A"]
	tr, err := timeseries.CollectionReaderFromFrames(r.Frames)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.GetCollection(true); err != nil {
		t.Fatalf("strict data plane validation: %v", err)
	}
}
