package quickwitfake

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzSearchBody: any search body is answered 200, 400 or 404, never a
// panic or a 500 (the fake must refuse what it cannot read).
func FuzzSearchBody(f *testing.F) {
	for _, s := range []string{
		`{"query":{"bool":{"must":[{"query_string":{"query":"a OR b","default_operator":"AND"}}],"filter":[{"range":{"timestamp":{"gte":"2026-01-15T14:00:00Z"}}}]}}}`,
		`{"size":1,"sort":[{"timestamp":{"order":"desc","format":"epoch_nanos_int"}},{"_shard_doc":"desc"}],"search_after":[1,"01HFAKESPLIT00000000000001:0:0"]}`,
		`{"aggs":{"t":{"date_histogram":{"field":"timestamp","fixed_interval":"1m"},"aggs":{"p":{"percentiles":{"field":"latency_ms","percents":[99]}}}}}}`,
		`{"aggs":{"r":{"range":{"field":"latency_ms","ranges":[{"to":10},{"from":10}]}}}}`,
	} {
		f.Add(s)
	}
	s := New(Options{Version: "0.9.1", Now: func() time.Time { return time.Date(2026, 1, 15, 15, 0, 0, 0, time.UTC) }})
	ix, _ := s.newIndex(mustConfig(f))
	s.idx["logs"] = ix
	d, _ := ix.parseDoc([]byte(`{"timestamp":"2026-01-15T14:00:00.5Z","message":"a b","user":"x","latency_ms":12}`))
	ix.splits, d.split = 1, 1
	ix.docs = append(ix.docs, d)
	f.Fuzz(func(t *testing.T, body string) {
		_, status, err := s.search("logs", []byte(body))
		if err != nil && status != http.StatusBadRequest && status != http.StatusNotFound {
			t.Fatalf("%q: %d %v", body, status, err)
		}
	})
}

func mustConfig(f *testing.F) indexConfig {
	var cfg indexConfig
	if err := strict([]byte(strings.TrimSpace(testIndex)), &cfg); err != nil {
		f.Fatal(err)
	}
	return cfg
}
