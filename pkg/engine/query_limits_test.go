package engine

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestQueryLimits(t *testing.T) {
	e, _ := loadgenEngine(t, 3, 20_000, 3, 500)
	ctx := context.Background()
	limited := func(lim QueryLimits) *Engine {
		e.opts.Limits = lim
		return e
	}
	defer func() { e.opts.Limits = QueryLimits{} }()
	wantLimit := func(t *testing.T, err error, limit string) {
		t.Helper()
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != limit || !errors.Is(err, ErrInvalidRequest) {
			t.Fatalf("error %v, want a %s *LimitError that is an invalid request", err, limit)
		}
	}
	t.Run("deadline", func(t *testing.T) {
		_, err := limited(QueryLimits{Timeout: time.Nanosecond}).Search(ctx, SearchRequest{Index: DefaultIndexID, CountTotal: true, Query: "severity:error"})
		wantLimit(t, err, LimitTimeout)
		if !strings.Contains(err.Error(), "time limit of 1ns") {
			t.Errorf("message %q does not name the limit", err)
		}
		_, err = limited(QueryLimits{Timeout: time.Nanosecond}).Aggregate(ctx, AggRequest{Index: DefaultIndexID,
			Aggs: []Agg{{Name: "s", Terms: &TermsAgg{Field: "service"}}}})
		wantLimit(t, err, LimitTimeout)
	})
	t.Run("distinct terms over the memory budget", func(t *testing.T) {
		req := AggRequest{Index: DefaultIndexID, Aggs: []Agg{{Name: "t", Terms: &TermsAgg{Field: "trace_id", Size: 5}}}}
		_, err := limited(QueryLimits{MaxMemoryBytes: 1 << 20}).Aggregate(ctx, req)
		wantLimit(t, err, LimitMemory)
		if !strings.Contains(err.Error(), "memory limit of 1 MiB") {
			t.Errorf("message %q does not name the limit", err)
		}
		if _, err := limited(QueryLimits{}).Aggregate(ctx, req); err != nil {
			t.Fatalf("within the default budget: %v", err)
		}
	})
	t.Run("sketches per bucket over the memory budget", func(t *testing.T) {
		req := AggRequest{Index: DefaultIndexID, Aggs: []Agg{{Name: "t", Terms: &TermsAgg{Field: "host", Size: 5},
			Subs: []Agg{{Name: "u", Metric: &MetricAgg{Kind: MetricCardinality, Field: "trace_id"}}}}}}
		lim := QueryLimits{MaxMemoryBytes: 512 << 10}
		_, err := limited(lim).Aggregate(ctx, req)
		wantLimit(t, err, LimitMemory)
		req.Aggs[0].Subs = nil
		if _, err := limited(lim).Aggregate(ctx, req); err != nil {
			t.Fatalf("the same terms without a sketch per bucket: %v", err)
		}
	})
	t.Run("hits over the memory budget", func(t *testing.T) {
		_, err := limited(QueryLimits{MaxMemoryBytes: 64 << 10}).Search(ctx, SearchRequest{Index: DefaultIndexID, Limit: MaxSearchLimit})
		wantLimit(t, err, LimitMemory)
	})
	t.Run("field values over the memory budget", func(t *testing.T) {
		_, err := limited(QueryLimits{MaxMemoryBytes: 1 << 20}).FieldValues(ctx, FieldValuesRequest{Index: DefaultIndexID, Field: "trace_id"})
		wantLimit(t, err, LimitMemory)
	})
	t.Run("clauses are counted before anything is built", func(t *testing.T) {
		ids := make([]string, 11)
		for i := range ids {
			ids[i] = "id" + strconv.Itoa(i)
		}
		_, err := limited(QueryLimits{MaxClauses: 10}).Search(ctx, SearchRequest{Index: DefaultIndexID, Query: "trace_id:IN [" + strings.Join(ids, " ") + "]"})
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "more than 10 clauses") {
			t.Fatalf("error %v, want a query error naming the clause limit", err)
		}
	})
}

// A cancelled query stops at the next block: the work it does, counted by
// OnBlockScanned, stops with it.
func TestCancelledQueryStopsScanning(t *testing.T) {
	e, _ := loadgenEngine(t, 4, 60_000, 6, 0)
	var cancel context.CancelFunc
	// The hits' scan and one count worker per core read blocks at once: a
	// block each may already be under way when the cancel lands, but none
	// may start after it.
	inFlight := runtime.GOMAXPROCS(0) + 1
	var mu sync.Mutex
	scanned, atCancel := 0, 0
	e.opts.OnBlockScanned = func() {
		mu.Lock()
		defer mu.Unlock()
		scanned++
		if scanned == 2 {
			cancel()
			atCancel = scanned
		}
	}
	defer func() { e.opts.OnBlockScanned = nil }()
	for _, run := range []func(context.Context) error{
		func(ctx context.Context) error {
			_, err := e.Search(ctx, SearchRequest{Index: DefaultIndexID, Query: "severity:error", CountTotal: true})
			return err
		},
		func(ctx context.Context) error {
			_, err := e.Aggregate(ctx, AggRequest{Index: DefaultIndexID, Aggs: []Agg{{Name: "t", Terms: &TermsAgg{Field: "service"}}}})
			return err
		},
	} {
		mu.Lock()
		scanned = 0
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		mu.Unlock()
		err := run(ctx)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		mu.Lock()
		after := scanned - atCancel
		mu.Unlock()
		if after > inFlight {
			t.Fatalf("%d blocks read after the query was cancelled, more than the %d scanners had under way", after, inFlight)
		}
	}
}
