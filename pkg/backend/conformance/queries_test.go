package conformance

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

// TestQueryConstructs counts each construct of the query language on every
// backend: the printers must keep its meaning in LogsQL and in Quickwit's
// syntax (date math resolved, negations anchored).
func TestQueryConstructs(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{
		`severity:error`,
		`severity:IN [error warn]`,
		`NOT severity:info`,
		`-severity:info -severity:debug`,
		`NOT (severity:info OR severity:debug)`,
		`message:timeout`,
		`PaymentGatewayTimeoutException`,
		`stripe-gateway`,
		`message:"connection reset by peer"`,
		`message:"connection res"*`,
		`message:refus*`,
		`status_code:[500 TO 599]`,
		`status_code:{499 TO 600}`,
		`status_code:>=500`,
		`latency_ms:{100 TO 250]`,
		`latency_ms:<10`,
		`trace_id:* AND severity:error`,
		`service:(payment-service OR auth-service) AND severity:error`,
		`severity:error OR service:tie-service`,
		`timestamp:[2026-01-15T14:10:00Z TO 2026-01-15T14:20:00Z}`,
		`timestamp:>=now-15m`,
		`timestamp:>=1768486200000`,
		`host:ip-10-0-1-10`,
		`endpoint:"/api/v1/payments/charge"`,
		`user_id:user-tie`,
	} {
		want, err := targets[0].be.Aggregate(ctx, engine.AggRequest{Index: index, Query: q, Start: dataFrom, End: dataTo, Now: testNow})
		if err != nil {
			t.Fatalf("%q on the embedded engine: %v", q, err)
		}
		if want.DocCount == 0 || want.DocCount == int64(len(data.lines)) {
			t.Fatalf("%q matches %d events; the data does not exercise it", q, want.DocCount)
		}
		for _, tg := range targets[1:] {
			got, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: q, Start: dataFrom, End: dataTo, Now: testNow})
			if err != nil {
				t.Errorf("%s: %q: %v", tg.name, q, err)
				continue
			}
			if got.DocCount != want.DocCount {
				t.Errorf("%s: %q counts %d, the embedded engine %d", tg.name, q, got.DocCount, want.DocCount)
			}
		}
	}
}

// TestPercentilesWithinBound: p50 and p99 of the latency per ten minutes
// lie within 1% (the engine's DDSketch accuracy) of a value at a rank the
// common percentile definitions choose: nearest rank (VictoriaLogs'
// quantile), interpolation (the fake) or the sketch's rank.
func TestPercentilesWithinBound(t *testing.T) {
	ctx := context.Background()
	aggs := []engine.Agg{{Name: "t", DateHistogram: &engine.DateHistogramAgg{Interval: 10 * time.Minute},
		Subs: []engine.Agg{{Name: "p", Metric: &engine.MetricAgg{Kind: engine.MetricPercentiles, Field: "latency_ms", Percents: []float64{50, 99}}}}}}
	exact := map[int64][]float64{}
	for _, e := range data.events {
		if e.Service == "payment-service" && !e.Timestamp.Before(dataFrom) && e.Timestamp.Before(dataTo) {
			k := e.Timestamp.Truncate(10 * time.Minute).UnixMilli()
			exact[k] = append(exact[k], e.LatencyMs)
		}
	}
	for _, vals := range exact {
		slices.Sort(vals)
	}
	for _, tg := range targets {
		res, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "service:payment-service", Start: dataFrom, End: dataTo, Aggs: aggs, Now: testNow})
		if err != nil {
			t.Fatalf("%s: %v", tg.name, err)
		}
		for _, b := range res.Aggs[0].Buckets {
			vals := exact[int64(b.KeyNum)]
			for _, p := range b.Aggs[0].Metric.Percentiles {
				lo, hi := rankBounds(vals, p.Percent)
				if !(p.Value >= lo*0.99 && p.Value <= hi*1.01) {
					t.Errorf("%s: p%v of %s is %v, outside [%v, %v] ± 1%%", tg.name, p.Percent, b.Key, p.Value, lo, hi)
				}
			}
		}
	}
}

// rankBounds are the values at the lowest and highest rank a percentile
// definition picks for p of n sorted values.
func rankBounds(sorted []float64, p float64) (float64, float64) {
	n := len(sorted)
	lo := int(math.Floor(p/100*float64(n-1))) - 1
	hi := int(math.Ceil(p/100*float64(n))) + 1
	return sorted[max(lo, 0)], sorted[min(hi, n-1)]
}

// TestCardinalityWithinBound: distinct users per store are within 3% of
// the exact count (the engine's HyperLogLog++ has ~0.8% standard error).
func TestCardinalityWithinBound(t *testing.T) {
	ctx := context.Background()
	users := map[string]bool{}
	for _, e := range data.events {
		if e.Severity == "error" {
			users[e.UserID] = true
		}
	}
	aggs := []engine.Agg{{Name: "u", Metric: &engine.MetricAgg{Kind: engine.MetricCardinality, Field: "user_id"}}}
	for _, tg := range targets {
		if strings.Contains(tg.name, "0.8") {
			continue // refused by name, see TestRefusalsNameTheConstruct
		}
		res, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "severity:error", Start: dataFrom, End: dataTo, Aggs: aggs, Now: testNow})
		if err != nil {
			t.Fatalf("%s: %v", tg.name, err)
		}
		got, want := float64(res.Aggs[0].Metric.Cardinality), float64(len(users))
		if math.Abs(got-want) > 0.03*want {
			t.Errorf("%s: %v distinct users, exactly %v", tg.name, got, want)
		}
	}
}

// TestFieldValuesAndFields: variable options (top values, with a query and
// a typeahead prefix) and the editor's field list agree.
func TestFieldValuesAndFields(t *testing.T) {
	ctx := context.Background()
	for _, req := range []engine.FieldValuesRequest{
		{Field: "service", Limit: 100},
		{Field: "severity", Query: "service:payment-service", Limit: 20},
		{Field: "endpoint", Prefix: "/API/v1/pay", Limit: 5},
		{Field: "host", Query: "severity:error", Limit: 3},
	} {
		req.Index, req.Start, req.End, req.Now = index, dataFrom, dataTo, testNow
		want, err := targets[0].be.FieldValues(ctx, req)
		if err != nil || len(want) == 0 {
			t.Fatalf("%+v on the embedded engine: %v (%d values)", req, err, len(want))
		}
		for _, tg := range targets[1:] {
			got, err := tg.be.FieldValues(ctx, req)
			if err != nil {
				t.Errorf("%s: values of %s: %v", tg.name, req.Field, err)
			} else if !slices.Equal(got, want) {
				t.Errorf("%s: values of %s (query %q, prefix %q):\n got %v\nwant %v", tg.name, req.Field, req.Query, req.Prefix, got, want)
			}
		}
	}
	for _, tg := range targets {
		fields, err := tg.be.Fields(ctx, index)
		if err != nil {
			t.Fatalf("%s: %v", tg.name, err)
		}
		var names []string
		for _, f := range fields {
			names = append(names, f.Name)
		}
		for _, want := range []string{"timestamp", "message", "service", "host", "severity", "status_code", "endpoint", "latency_ms", "trace_id", "user_id"} {
			if !slices.Contains(names, want) {
				t.Errorf("%s: fields %v lack %s", tg.name, names, want)
			}
		}
	}
}

// TestPartialAnswersAreNeverSilent: when Quickwit reports failed splits,
// the answer carries warnings, and an alert rule refuses it.
func TestPartialAnswersAreNeverSilent(t *testing.T) {
	ctx := context.Background()
	for _, tg := range targets {
		if tg.fake == nil {
			continue
		}
		full, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "*", Start: dataFrom, End: dataTo, Now: testNow})
		if err != nil || len(full.Warnings) > 0 {
			t.Fatalf("%s: %v %v", tg.name, err, full.Warnings)
		}
		tg.fake.FailSplits(1)
		res, err := tg.be.Aggregate(ctx, engine.AggRequest{Index: index, Query: "*", Start: dataFrom, End: dataTo, Now: testNow})
		page, perr := tg.be.Search(ctx, backend.SearchRequest{SearchRequest: engine.SearchRequest{Index: index, Query: "*", Start: dataFrom, End: dataTo, Limit: 5, Now: testNow}})
		tg.fake.FailSplits(0)
		if err != nil || perr != nil {
			t.Fatalf("%s: %v %v", tg.name, err, perr)
		}
		if res.DocCount >= full.DocCount || len(res.Warnings) == 0 || len(page.Warnings) == 0 {
			t.Errorf("%s: a partial answer (%d of %d events) came with warnings %q and %q", tg.name, res.DocCount, full.DocCount, res.Warnings, page.Warnings)
		}
		var perror *backend.PartialError
		if err := backend.RefusePartial(res.Warnings); !errors.As(err, &perror) || !strings.Contains(err.Error(), "splits failed") {
			t.Errorf("%s: an alert would use the partial answer: %v", tg.name, err)
		}
	}
}
