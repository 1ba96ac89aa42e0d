package query

import (
	"reflect"
	"strings"
	"testing"
)

var testDefaults = ModelDefaults{DefaultIndex: "logs"}

func TestParseQueryModel(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Query
	}{
		{
			name: "logs example from the issue",
			raw:  `{"queryType":"logs","index":"logs","query":"severity:error","limit":100,"sort":"desc"}`,
			want: Query{Version: 1, QueryType: QueryLogs, Index: "logs", Query: "severity:error", Limit: 100, Sort: SortDesc, Interval: "auto"},
		},
		{
			name: "timeseries example from the issue",
			raw:  `{"queryType":"timeseries","query":"severity:error","metrics":[{"type":"count"},{"type":"percentile","field":"latency_ms","percent":99}],"groupBy":[{"field":"service","size":10}],"interval":"$__interval"}`,
			want: Query{Version: 1, QueryType: QueryTimeseries, Index: "logs", Query: "severity:error", Limit: 100, Sort: SortDesc,
				Metrics:  []Metric{{Type: MetricCount}, {Type: MetricPercentile, Field: "latency_ms", Percent: 99}},
				GroupBy:  []GroupBy{{Field: "service", Size: 10, Order: "desc", OrderBy: "count"}},
				Interval: "$__interval"},
		},
		{
			name: "heatmap example from the issue",
			raw:  `{"queryType":"heatmap","query":"service:payment","heatmap":{"field":"latency_ms","buckets":[10,50,100,250,500,1000,2500]}}`,
			want: Query{Version: 1, QueryType: QueryHeatmap, Index: "logs", Query: "service:payment", Limit: 100, Sort: SortDesc, Interval: "auto",
				Heatmap: &Heatmap{Field: "latency_ms", Buckets: []float64{10, 50, 100, 250, 500, 1000, 2500}}},
		},
		{
			name: "heatmap without buckets is log scale",
			raw:  `{"queryType":"heatmap","heatmap":{"field":"latency_ms"}}`,
			want: Query{Version: 1, QueryType: QueryHeatmap, Index: "logs", Limit: 100, Sort: SortDesc, Interval: "auto",
				Heatmap: &Heatmap{Field: "latency_ms", Count: 20, Scale: "log"}},
		},
		{
			name: "fieldValues example from the issue",
			raw:  `{"queryType":"fieldValues","field":"service","query":"","limit":100}`,
			want: Query{Version: 1, QueryType: QueryFieldValues, Index: "logs", Field: "service", Limit: 100, Sort: SortDesc, Interval: "auto"},
		},
		{
			name: "Grafana's own keys are accepted",
			raw: `{"refId":"A","datasource":{"type":"triage-logs-datasource","uid":"x"},"hide":false,"key":"Q-1","intervalMs":30000,` +
				`"maxDataPoints":1200,"queryType":"","datasourceId":7,"query":"a"}`,
			want: Query{Version: 1, RefID: "A", QueryType: QueryLogs, Index: "logs", Query: "a", Limit: 100, Sort: SortDesc, Interval: "auto",
				IntervalMs: 30000, MaxDataPoints: 1200},
		},
		{
			name: "empty object takes every default",
			raw:  `{}`,
			want: Query{Version: 1, QueryType: QueryLogs, Index: "logs", Limit: 100, Sort: SortDesc, Interval: "auto"},
		},
		{
			name: "nulls are absent keys",
			raw:  `{"limit":null,"sort":null,"metrics":null}`,
			want: Query{Version: 1, QueryType: QueryLogs, Index: "logs", Limit: 100, Sort: SortDesc, Interval: "auto"},
		},
		{
			name: "sort aliases, whole float limit, fixed interval, live",
			raw:  `{"sort":"oldest","limit":250.0,"interval":"30s","live":true,"version":1}`,
			want: Query{Version: 1, QueryType: QueryLogs, Index: "logs", Limit: 250, Sort: SortAsc, Interval: "30s", Live: true},
		},
		{
			name: "timeseries defaults to count; p95 shorthand; groupBy options",
			raw:  `{"queryType":"table","metrics":[{"type":"p95","field":"latency_ms","id":"1"}],"groupBy":[{"field":"service","size":5,"order":"asc","orderBy":"key"}]}`,
			want: Query{Version: 1, QueryType: QueryTable, Index: "logs", Limit: 100, Sort: SortDesc, Interval: "auto",
				Metrics: []Metric{{Type: MetricPercentile, Field: "latency_ms", Percent: 95, ID: "1"}},
				GroupBy: []GroupBy{{Field: "service", Size: 5, Order: "asc", OrderBy: "key"}}},
		},
		{
			name: "timeseries without metrics counts",
			raw:  `{"queryType":"timeseries","index":"audit"}`,
			want: Query{Version: 1, QueryType: QueryTimeseries, Index: "audit", Limit: 100, Sort: SortDesc, Interval: "auto",
				Metrics: []Metric{{Type: MetricCount}}},
		},
		{
			name: "linear heatmap with a count",
			raw:  `{"queryType":"heatmap","heatmap":{"field":"size","count":50,"scale":"linear"}}`,
			want: Query{Version: 1, QueryType: QueryHeatmap, Index: "logs", Limit: 100, Sort: SortDesc, Interval: "auto",
				Heatmap: &Heatmap{Field: "size", Count: 50, Scale: "linear"}},
		},
	}
	for _, tt := range tests {
		got, err := ParseQueryModel([]byte(tt.raw), testDefaults)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseQueryModelErrors(t *testing.T) {
	tests := []struct {
		raw      string
		defaults ModelDefaults
		want     string
	}{
		{`[]`, testDefaults, "the query must be a JSON object; got []"},
		{`{"queryType":"log"}`, testDefaults, "queryType must be one of logs, timeseries, heatmap, table, fieldValues, logsVolume, annotations; got 'log'"},
		{`{"queryType":3}`, testDefaults, "queryType must be a string; got 3"},
		{`{"lmit":10}`, testDefaults, "unknown key 'lmit' in the query; did you mean 'limit'?"},
		{`{"zzz":1,"aaa":2}`, testDefaults, "unknown key 'aaa' in the query"},
		{`{"limit":"100"}`, testDefaults, `limit must be a whole number; got "100"`},
		{`{"limit":10.5}`, testDefaults, "limit must be a whole number; got 10.5"},
		{`{"limit":0}`, testDefaults, "limit must be between 1 and 10000; got 0"},
		{`{"limit":10001}`, testDefaults, "limit must be between 1 and 10000; got 10001"},
		{`{"sort":"newer"}`, testDefaults, "sort must be one of desc, asc; got 'newer'"},
		{`{"live":"yes"}`, testDefaults, `live must be true or false; got "yes"`},
		{`{"version":2}`, testDefaults, "version 2 is newer than this plugin understands (1); upgrade the plugin"},
		{`{"version":0}`, testDefaults, "version must be 1; got 0"},
		{`{}`, ModelDefaults{}, "index is empty and the datasource has no default index"},
		{`{"interval":"fast"}`, testDefaults, "interval must be auto, $__interval or a duration like 30s, 5m or 1h; got 'fast'"},
		{`{"interval":"0s"}`, testDefaults, "interval must be at least 1ms; got '0s'"},
		{`{"metrics":{}}`, testDefaults, "metrics must be a list; got {}"},
		{`{"metrics":[{"type":"median","field":"x"}]}`, testDefaults, "metrics[0].type must be one of count, avg, sum, min, max, percentile, p50, p90, p95, p99, cardinality; got 'median'"},
		{`{"metrics":[{"field":"x"}]}`, testDefaults, "metrics[0].type is required"},
		{`{"metrics":[{"type":"count"},{"type":"avg"}]}`, testDefaults, "metrics[1].field is required for type avg"},
		{`{"metrics":[{"type":"percentile","field":"x","percent":100}]}`, testDefaults, "metrics[0].percent must be greater than 0 and less than 100; got 100"},
		{`{"metrics":[{"type":"percentile","field":"x"}]}`, testDefaults, "metrics[0].percent must be greater than 0 and less than 100; got nothing"},
		{`{"metrics":[{"type":"p99","field":"x","percent":95}]}`, testDefaults, "metrics[0]: type p99 means percent 99, but percent is 95"},
		{`{"metrics":[{"type":"sum","field":"x","percent":5}]}`, testDefaults, "metrics[0].percent only applies to type percentile"},
		{`{"metrics":[{"type":"count","feild":"x"}]}`, testDefaults, "unknown key 'metrics[0].feild' in metrics[0]; did you mean 'field'?"},
		{`{"metrics":["count"]}`, testDefaults, `metrics[0] must be a JSON object; got "count"`},
		{`{"groupBy":[{"size":5}]}`, testDefaults, "groupBy[0].field is required"},
		{`{"groupBy":[{"field":"a","size":0}]}`, testDefaults, "groupBy[0].size must be between 1 and 1000; got 0"},
		{`{"groupBy":[{"field":"a","order":"up"}]}`, testDefaults, "groupBy[0].order must be one of desc, asc; got 'up'"},
		{`{"queryType":"heatmap"}`, testDefaults, "a heatmap query needs heatmap.field"},
		{`{"heatmap":{"buckets":[1]}}`, testDefaults, "heatmap.field is required"},
		{`{"heatmap":{"field":"x","buckets":[1,5,5]}}`, testDefaults, "heatmap.buckets must increase; 5 follows 5"},
		{`{"heatmap":{"field":"x","buckets":[]}}`, testDefaults, "heatmap.buckets must hold at least one bound"},
		{`{"heatmap":{"field":"x","buckets":["1"]}}`, testDefaults, `heatmap.buckets[0] must be a number; got "1"`},
		{`{"heatmap":{"field":"x","buckets":[1],"scale":"log"}}`, testDefaults, "heatmap: give either buckets or count and scale, not both"},
		{`{"heatmap":{"field":"x","scale":"sqrt"}}`, testDefaults, "heatmap.scale must be one of log, linear; got 'sqrt'"},
		{`{"heatmap":{"field":"x","count":0}}`, testDefaults, "heatmap.count must be between 1 and 1000; got 0"},
		{`{"queryType":"fieldValues"}`, testDefaults, "a fieldValues query needs field"},
		{`{"query":"` + strings.Repeat("x", 60) + `",` + `"limit":true}`, testDefaults, "limit must be a whole number; got true"},
		{`{"index":["` + strings.Repeat("x", 60) + `"]}`, testDefaults, `index must be a string; got ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...`},
	}
	for _, tt := range tests {
		_, err := ParseQueryModel([]byte(tt.raw), tt.defaults)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseQueryModel(%s) error = %v, want it to contain %q", tt.raw, err, tt.want)
		}
	}
}

// FuzzParseQueryModel checks that no input panics and that every accepted
// model satisfies the documented limits.
func FuzzParseQueryModel(f *testing.F) {
	for _, s := range []string{
		`{"queryType":"logs","index":"logs","query":"severity:error","limit":100,"sort":"desc"}`,
		`{"queryType":"timeseries","metrics":[{"type":"count"},{"type":"percentile","field":"l","percent":99}],"groupBy":[{"field":"s","size":10}],"interval":"$__interval"}`,
		`{"queryType":"heatmap","heatmap":{"field":"l","buckets":[10,50,100]}}`,
		`{"queryType":"fieldValues","field":"service"}`,
		`{"limit":1e400}`, `{"metrics":[{"type":"p50","field":"x","percent":50}]}`, `null`, `{"interval":"99999999999999999999y"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		q, err := ParseQueryModel(raw, testDefaults)
		if err != nil {
			return
		}
		if q.Version != ModelVersion || q.Limit < 1 || q.Limit > MaxLimit || q.Index == "" || (q.Sort != SortAsc && q.Sort != SortDesc) {
			t.Fatalf("ParseQueryModel(%q) accepted an invalid model %+v", raw, q)
		}
		for _, m := range q.Metrics {
			if m.Type == MetricPercentile && (m.Percent <= 0 || m.Percent >= 100) {
				t.Fatalf("ParseQueryModel(%q) accepted percent %g", raw, m.Percent)
			}
		}
		for _, g := range q.GroupBy {
			if g.Size < 1 || g.Size > MaxGroupBySize {
				t.Fatalf("ParseQueryModel(%q) accepted groupBy size %d", raw, g.Size)
			}
		}
	})
}
