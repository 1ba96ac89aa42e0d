package engine

import (
	"fmt"
	"github.com/triage-logs/triage/pkg/engine/event"
	"math"
	"math/rand/v2"
	"strings"
)

// Deterministic events shaped like the incident data: ~1 ms apart, ~20
// services, ~50 hosts and endpoints, severity skewed to info, log-normal
// latencies, unique trace ids, ~1M users and varied messages with rare tokens.

var (
	fixtureServices  = fixtureNames("svc", 20)
	fixtureHosts     = fixtureNames("host", 50)
	fixtureEndpoints = fixtureEndpointList(50)
	fixtureWords     = strings.Fields("request completed failed retry timeout connection reset by peer upstream " +
		"cache miss hit user login logout payment authorized declined queue backlog slow query database " +
		"lock acquired released shard rebalanced token expired refreshed session created destroyed")
)

func fixtureNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", prefix, i)
	}
	return out
}

func fixtureEndpointList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/api/v%d/%s/%d", i%3+1, fixtureWords[i%len(fixtureWords)], i)
	}
	return out
}

// fixtureEvents returns n events starting at a fixed time, sorted by (Timestamp, Seq).
func fixtureEvents(n int, seed uint64) []event.Event {
	r := rand.New(rand.NewPCG(seed, 42))
	events := make([]event.Event, n)
	ts := int64(1_768_485_600_000_000_000) // 2026-01-15T14:00:00Z
	for i := range events {
		ts += 500_000 + r.Int64N(1_000_000)
		sev := "info"
		switch x := r.IntN(100); {
		case x < 2:
			sev = "error"
		case x < 7:
			sev = "warn"
		case x < 17:
			sev = "debug"
		}
		status := int64(200)
		if sev == "error" {
			status = []int64{500, 502, 503, 504}[r.IntN(4)]
		} else if r.IntN(20) == 0 {
			status = []int64{201, 204, 301, 400, 401, 404}[r.IntN(6)]
		}
		var msg strings.Builder
		for w := 3 + r.IntN(8); w > 0; w-- {
			msg.WriteString(fixtureWords[r.IntN(len(fixtureWords))])
			msg.WriteByte(' ')
		}
		if r.IntN(1000) == 0 {
			fmt.Fprintf(&msg, "rare%06d ", r.IntN(1_000_000))
		}
		fmt.Fprintf(&msg, "id=%d", r.IntN(100_000))
		events[i] = event.Event{Timestamp: ts, Seq: uint64(i + 1), Fields: []event.Field{
			{Name: "endpoint", Value: event.StringValue(fixtureEndpoints[r.IntN(len(fixtureEndpoints))])},
			{Name: "host", Value: event.StringValue(fixtureHosts[r.IntN(len(fixtureHosts))])},
			{Name: "latency_ms", Value: event.Float64Value(math.Round(math.Exp(3+r.NormFloat64())*100) / 100)},
			{Name: "message", Value: event.StringValue(msg.String())},
			{Name: "service", Value: event.StringValue(fixtureServices[r.IntN(len(fixtureServices))])},
			{Name: "severity", Value: event.StringValue(sev)},
			{Name: "status_code", Value: event.Int64Value(status)},
			{Name: "trace_id", Value: event.StringValue(fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()))},
			{Name: "user_id", Value: event.StringValue(fmt.Sprintf("user-%d", r.IntN(1_000_000)))},
		}}
	}
	return events
}

// fixtureSchema indexes like the default incident mapping: message tokenized,
// keywords raw, latency not indexed.
var fixtureSchema = SplitSchema{
	"message":     {Tokenizer: TokenizerDefault, Indexed: true},
	"service":     {Tokenizer: TokenizerRaw, Indexed: true},
	"host":        {Tokenizer: TokenizerRaw, Indexed: true},
	"severity":    {Tokenizer: TokenizerRaw, Indexed: true},
	"endpoint":    {Tokenizer: TokenizerRaw, Indexed: true},
	"status_code": {Indexed: true},
	"trace_id":    {Tokenizer: TokenizerRaw, Indexed: true},
	"user_id":     {Tokenizer: TokenizerRaw, Indexed: true},
	"latency_ms":  {},
}
