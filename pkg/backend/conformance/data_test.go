package conformance

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/loadgen"
)

// The generated data every target holds: an hour of traffic with the
// payment-service incident in the middle, plus a run of events sharing one
// nanosecond, so paging must break ties.
var (
	dataFrom   = time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	dataTo     = dataFrom.Add(time.Hour)
	dataEvents = 20_000
	tieAt      = time.Date(2026, 1, 15, 14, 30, 0, 123456789, time.UTC)
	tieEvents  = 25
	// testNow anchors date math in queries, so every backend resolves it alike.
	testNow = dataTo
)

// event is one generated event as the tests read it back.
type event struct {
	Timestamp  time.Time `json:"timestamp"`
	Service    string    `json:"service"`
	Host       string    `json:"host"`
	Severity   string    `json:"severity"`
	StatusCode int       `json:"status_code"`
	Endpoint   string    `json:"endpoint"`
	LatencyMs  float64   `json:"latency_ms"`
	TraceID    string    `json:"trace_id"`
	UserID     string    `json:"user_id"`
	Message    string    `json:"message"`
}

// dataset is the NDJSON lines and the same events decoded.
type dataset struct {
	lines  [][]byte
	events []event
}

func generate() (*dataset, error) {
	g := loadgen.New(loadgen.Config{Seed: 13, Start: dataFrom, Span: time.Hour, Count: dataEvents})
	ds := &dataset{}
	for range dataEvents {
		ds.lines = append(ds.lines, g.AppendNext(nil))
	}
	for i := range tieEvents {
		ds.lines = append(ds.lines, fmt.Appendf(nil,
			`{"timestamp":"%s","service":"tie-service","host":"ip-10-0-9-99","severity":"info","status_code":200,"endpoint":"/tie","latency_ms":%d.5,"trace_id":"tie-%02d","user_id":"user-tie","message":"tie breaker %02d"}`,
			tieAt.Format(time.RFC3339Nano), i, i, i))
	}
	// Deploy markers, which the dashboard's annotation query finds.
	for i, at := range []time.Time{dataFrom.Add(5 * time.Minute), dataFrom.Add(22 * time.Minute), dataFrom.Add(41 * time.Minute)} {
		ds.lines = append(ds.lines, fmt.Appendf(nil,
			`{"timestamp":"%s","service":"payment-service","host":"ip-10-0-1-17","severity":"info","status_code":200,"endpoint":"/deploy","latency_ms":1,"trace_id":"deploy-%d","user_id":"ci","message":"deploy payment-service v2.4.%d started"}`,
			at.Format(time.RFC3339Nano), i, i))
	}
	for _, l := range ds.lines {
		var e event
		if err := json.Unmarshal(l, &e); err != nil {
			return nil, fmt.Errorf("decode generated %s: %w", l, err)
		}
		ds.events = append(ds.events, e)
	}
	return ds, nil
}
