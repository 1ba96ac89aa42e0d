package engine

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestDefaultIndexTakesAtTimestamp: Elasticsearch shippers (Fluent Bit,
// Vector, rsyslog templates, Beats) put the time in @timestamp; the
// default index stores it as its timestamp, and queries and aggregations
// naming @timestamp mean that field.
func TestDefaultIndexTakesAtTimestamp(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	docs := [][]byte{
		[]byte(`{"@timestamp":"2026-01-15T14:00:00.123Z","message":"from fluent bit"}`),
		[]byte(`{"@timestamp":1768485601000,"message":"epoch millis"}`),
		[]byte(`{"timestamp":"2026-01-15T14:00:02Z","@timestamp":"2026-01-15T09:00:02-05:00","message":"both"}`),
		[]byte(`{"@timestamp":"yesterday","message":"bad time"}`),
		[]byte(`{"@timestamp":{"nested":1},"message":"an object is no time"}`),
	}
	res, err := e.Ingest(context.Background(), "logs", docs, IngestOptions{Commit: CommitForce})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 3 || len(res.Rejected) != 2 ||
		!strings.Contains(res.Rejected[0].Reason, "field '@timestamp' (the timestamp): cannot parse \"yesterday\"") ||
		res.Rejected[1].Reason != "missing timestamp field 'timestamp' (or '@timestamp')" {
		t.Fatalf("ingest = %+v", res)
	}
	events := allEvents(t, e, "logs")
	want := map[string]int64{
		"from fluent bit": time.Date(2026, 1, 15, 14, 0, 0, 123e6, time.UTC).UnixNano(),
		"epoch millis":    time.Date(2026, 1, 15, 14, 0, 1, 0, time.UTC).UnixNano(),
		"both":            time.Date(2026, 1, 15, 14, 0, 2, 0, time.UTC).UnixNano(),
	}
	for _, ev := range events {
		msg, _ := ev.Get("message")
		if ev.Timestamp != want[msg.Str] {
			t.Errorf("%q: timestamp %v", msg.Str, time.Unix(0, ev.Timestamp).UTC())
		}
		at, has := ev.Get("@timestamp")
		if keep := msg.Str == "both"; has != keep || keep && at.Str != "2026-01-15T09:00:02-05:00" {
			t.Errorf("%q: @timestamp field = %v %v, kept only when timestamp is there too", msg.Str, at, has)
		}
	}
	for _, stage := range []string{"head", "split"} {
		if stage == "split" {
			if err := e.Flush("logs"); err != nil {
				t.Fatal(err)
			}
		}
		for q, n := range map[string]int64{
			`@timestamp:[2026-01-15T14:00:00.5Z TO 2026-01-15T14:00:01.5Z]`: 1,
			`timestamp:[2026-01-15T14:00:00.5Z TO *]`:                       2,
			`@timestamp:>=2026-01-15T14:00:00Z`:                             3,
		} {
			res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: q, CountTotal: true})
			if err != nil {
				t.Fatalf("%s: %s: %v", stage, q, err)
			}
			if res.Total != n {
				t.Errorf("%s: %s: %d hits, want %d", stage, q, res.Total, n)
			}
		}
		agg, err := e.Aggregate(context.Background(), AggRequest{Index: "logs",
			Start: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC),
			Aggs: []Agg{{Name: "last", Metric: &MetricAgg{Kind: MetricMax, Field: "@timestamp"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if m := agg.Aggs[0].Metric; m == nil || m.Max != float64(want["both"]) {
			t.Errorf("%s: max(@timestamp) = %+v", stage, m)
		}
	}
}

func TestTimestampAliasesConfig(t *testing.T) {
	base := `{"index_id":"x","doc_mapping":{"timestamp_field":"ts","field_mappings":[{"name":"ts","type":"datetime","input_formats":["%%Y-%%m-%%d %%H:%%M:%%S"]},{"name":"a.b","type":"text"}],"timestamp_aliases":%s}}`
	cases := []struct {
		aliases, err string
	}{
		{`["@timestamp","time"]`, ""},
		{`["ts"]`, `"ts" cannot be an alias`},
		{`["a.b"]`, `"a.b" is a mapped field`},
		{`["a"]`, `"a" is a mapped field`},
		{`["t","t"]`, `"t" is listed twice`},
		{`[""]`, "needs a name"},
	}
	for _, tc := range cases {
		_, err := ParseIndexConfig([]byte(strings.ReplaceAll(strings.Replace(base, "%s", tc.aliases, 1), "%%", "%")))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("aliases %s: error %v, want %q", tc.aliases, err, tc.err)
		}
	}
	// The alias is parsed with the timestamp's input formats.
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	cfg, err := ParseIndexConfig([]byte(strings.ReplaceAll(strings.Replace(base, "%s", `["@timestamp"]`, 1), "%%", "%")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CreateIndex(cfg); err != nil {
		t.Fatal(err)
	}
	res, err := e.Ingest(context.Background(), "x", [][]byte{[]byte(`{"@timestamp":"2026-01-15 14:00:00"}`), []byte(`{"@timestamp":"2026-01-15T14:00:00Z"}`)}, IngestOptions{})
	if err != nil || res.Accepted != 1 || len(res.Rejected) != 1 {
		t.Fatalf("ingest = %+v, %v", res, err)
	}
}

// TestOldDefaultConfigGainsAtTimestamp: a store created before aliases
// existed keeps its `logs` config on disk; opening it must still accept
// @timestamp, while a config a user wrote is never changed.
func TestOldDefaultConfigGainsAtTimestamp(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/store-v1", dir)
	e := openTestEngine(t, dir, testOptions())
	defer e.Close()
	res, err := e.Ingest(context.Background(), "logs", [][]byte{[]byte(`{"@timestamp":"2026-01-15T14:00:00Z","message":"x"}`)}, IngestOptions{})
	if err != nil || res.Accepted != 1 {
		t.Fatalf("ingest into the old store: %+v, %v", res, err)
	}
	cfg, _, err := e.DescribeIndex("logs")
	if err != nil || len(cfg.DocMapping.TimestampAliases) != 1 {
		t.Fatalf("described config: %+v, %v", cfg.DocMapping, err)
	}
	custom := defaultIndexConfigV1()
	custom.SearchSettings.DefaultSearchFields = []string{"message", "severity"}
	if got := upgradeStoredConfig(custom); got.DocMapping.TimestampAliases != nil {
		t.Fatalf("a user's config was changed: %+v", got.DocMapping)
	}
}
