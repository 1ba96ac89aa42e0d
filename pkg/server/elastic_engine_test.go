package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine"
)

// End to end through the real engine: what an Elasticsearch shipper sends
// by default (@timestamp, _id) and what a Quickwit user searches (a bare
// word inside a dotted name) work through the _elastic API.
func TestElasticBulkAndSearchThroughEngine(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	bulk := strings.Join([]string{
		`{"create":{"_index":"logs","_id":"evt-1"}}`,
		`{"@timestamp":"2026-01-15T14:00:01Z","message":"com.shop.payment.timeout.Handler gave up after 3 tries"}`,
		`{"create":{"_index":"logs","_id":"evt-2"}}`,
		`{"@timestamp":"2026-01-15T14:00:02Z","message":"i/o timeout-a on upstream"}`,
		`{"create":{"_index":"logs","_id":"evt-1"}}`,
		`{"@timestamp":"2026-01-15T14:00:01Z","message":"com.shop.payment.timeout.Handler gave up after 3 tries"}`,
	}, "\n") + "\n"
	code, msg := send(t, "POST", srv.URL+"/api/v1/_elastic/_bulk?refresh=true", "", nil, []byte(bulk))
	if code != 200 {
		t.Fatalf("bulk: %d %s", code, msg)
	}
	var res struct {
		Items []map[string]struct {
			Status int `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(msg), &res); err != nil || len(res.Items) != 3 {
		t.Fatalf("bulk answer %s: %v", msg, err)
	}
	for i, want := range []int{201, 201, 409} {
		if got := res.Items[i]["create"].Status; got != want {
			t.Errorf("item %d: status %d, want %d (%s)", i, got, want, msg)
		}
	}
	for query, want := range map[string]int{"timeout": 2, "payment": 1, "handler": 1, "io": 0, "o": 1, "a": 1} {
		body := `{"query":{"query_string":{"query":"` + query + `"}},"track_total_hits":true}`
		code, msg := send(t, "POST", srv.URL+"/api/v1/_elastic/logs/_search", "", nil, []byte(body))
		var sr struct {
			Hits struct {
				Total struct{ Value int } `json:"total"`
			} `json:"hits"`
		}
		if code != 200 || json.Unmarshal([]byte(msg), &sr) != nil {
			t.Fatalf("search %q: %d %s", query, code, msg)
		}
		if sr.Hits.Total.Value != want {
			t.Errorf("bare word %q: %d hits, want %d (Quickwit's default tokenizer splits on every non-alphanumeric)", query, sr.Hits.Total.Value, want)
		}
	}
}

// Issue 12 #5: the Quickwit datasource's health check reads the timestamp
// field's output_format from the index metadata (by id, or through
// index_id_patterns); an index config carrying input_formats and
// output_format is accepted, and hits honour the output_format.
func TestIndexMetadataCarriesDatetimeFormats(t *testing.T) {
	srv, _, _ := newTestServer(t, engine.Options{}, "")
	cfg := `{"version":"0.8","index_id":"app-millis","doc_mapping":{"timestamp_field":"ts","field_mappings":[
		{"name":"ts","type":"datetime","fast":true,"input_formats":["unix_timestamp","%Y-%m-%d %H:%M:%S"],"output_format":"unix_timestamp_millis"},
		{"name":"message","type":"text"}]}}`
	if code, msg := send(t, "POST", srv.URL+"/api/v1/indexes", "", nil, []byte(cfg)); code != 200 {
		t.Fatalf("create index with datetime formats: %d %s", code, msg)
	}
	code, msg := send(t, "GET", srv.URL+"/api/v1/indexes?index_id_patterns=app-*,logs", "", nil, nil)
	var list []struct {
		Config struct {
			IndexID    string `json:"index_id"`
			DocMapping struct {
				TimestampField string `json:"timestamp_field"`
				FieldMappings  []struct {
					Name         string   `json:"name"`
					InputFormats []string `json:"input_formats"`
					OutputFormat string   `json:"output_format"`
				} `json:"field_mappings"`
			} `json:"doc_mapping"`
		} `json:"index_config"`
	}
	if code != 200 || json.Unmarshal([]byte(msg), &list) != nil || len(list) != 2 {
		t.Fatalf("index list: %d %s", code, msg)
	}
	want := map[string]string{"app-millis": "unix_timestamp_millis", "logs": "rfc3339"}
	for _, ix := range list {
		got := ""
		for _, fm := range ix.Config.DocMapping.FieldMappings {
			if fm.Name == ix.Config.DocMapping.TimestampField {
				got = fm.OutputFormat
			}
		}
		if got != want[ix.Config.IndexID] {
			t.Errorf("index %s: timestamp output_format %q, want %q", ix.Config.IndexID, got, want[ix.Config.IndexID])
		}
	}
	if code, msg := send(t, "POST", srv.URL+"/api/v1/app-millis/ingest?commit=force", "", nil,
		[]byte(`{"ts":"2026-01-15 14:00:01","message":"hello"}`)); code != 200 {
		t.Fatalf("ingest: %d %s", code, msg)
	}
	code, msg = send(t, "POST", srv.URL+"/api/v1/_elastic/app-millis/_search", "", nil, []byte(`{"size":1}`))
	if code != 200 || !strings.Contains(msg, `"ts":1768485601000`) {
		t.Errorf("hit does not render ts as unix_timestamp_millis: %d %s", code, msg)
	}
}
