package engine

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseIndexConfig(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr string
	}{
		{"quickwit style", `{"version":"0.8","index_id":"app-logs","doc_mapping":{"mode":"strict","field_mappings":[
			{"name":"ts","type":"datetime","fast":true,"fast_precision":"milliseconds","input_formats":["rfc3339","unix_timestamp","%Y-%m-%d %H:%M:%S"]},
			{"name":"body","type":"text","tokenizer":"default"},
			{"name":"level","type":"text","tokenizer":"raw","fast":true},
			{"name":"latency_ms","type":"f64","fast":true},
			{"name":"attributes","type":"json"},
			{"name":"tags","type":"array<text>"},
			{"name":"client.ip","type":"ip"}],"timestamp_field":"ts"},
			"search_settings":{"default_search_fields":["body","attributes.message"]},
			"retention":{"period":"30 days","schedule":"hourly"}}`, ""},
		{"bad id", `{"index_id":"../etc","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"}}`, `index_id "../etc"`},
		{"id starts with digit", `{"index_id":"1logs","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"}}`, `index_id "1logs"`},
		{"unknown key", `{"index_id":"a","doc_mappings":{}}`, `unknown field "doc_mappings"`},
		{"no timestamp", `{"index_id":"a","doc_mapping":{"field_mappings":[]}}`, "timestamp_field is required"},
		{"timestamp not mapped", `{"index_id":"a","doc_mapping":{"field_mappings":[],"timestamp_field":"ts"}}`, `timestamp_field "ts" must be declared`},
		{"timestamp wrong type", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"ts","type":"i64"}],"timestamp_field":"ts"}}`, `has type i64`},
		{"bad mode", `{"index_id":"a","doc_mapping":{"mode":"loose","field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"}}`, `mode "loose"`},
		{"bad type", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"x","type":"string"}],"timestamp_field":"t"}}`, `type "string" is not supported`},
		{"bad tokenizer", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"x","type":"text","tokenizer":"en_stem"}],"timestamp_field":"t"}}`, `tokenizer "en_stem"`},
		{"tokenizer on number", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"x","type":"u64","tokenizer":"raw"}],"timestamp_field":"t"}}`, `tokenizer applies only to text`},
		{"bad input format", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime","input_formats":["epoch"]}],"timestamp_field":"t"}}`, `input format "epoch"`},
		{"duplicate field", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"t","type":"text"}],"timestamp_field":"t"}}`, `declared twice`},
		{"nested under scalar", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"a","type":"text"},{"name":"a.b","type":"text"}],"timestamp_field":"t"}}`, `nested under field "a"`},
		{"bad field name", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"a..b","type":"text"}],"timestamp_field":"t"}}`, `dots separate`},
		{"default field numeric", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"n","type":"u64"}],"timestamp_field":"t"},"search_settings":{"default_search_fields":["n"]}}`, `field "n" is u64`},
		{"default field unknown strict", `{"index_id":"a","doc_mapping":{"mode":"strict","field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"},"search_settings":{"default_search_fields":["msg"]}}`, `mapping mode is strict`},
		{"default field unknown dynamic", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"},"search_settings":{"default_search_fields":["msg"]}}`, ``},
		{"bad retention", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"},"retention":{"period":"30 fortnights"}}`, `unknown unit`},
		{"array of json", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"x","type":"array<json>"}],"timestamp_field":"t"}}`, `array<json> is not supported`},
		{"bad fast_precision", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime","fast_precision":"days"}],"timestamp_field":"t"}}`, `fast_precision "days"`},
		{"fast_precision on text", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"},{"name":"x","type":"text","fast_precision":"seconds"}],"timestamp_field":"t"}}`, `fast_precision applies only to datetime`},
		{"trailing data", `{"index_id":"a","doc_mapping":{"field_mappings":[{"name":"t","type":"datetime"}],"timestamp_field":"t"}} {}`, `trailing data`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIndexConfig([]byte(tc.json))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v does not wrap ErrInvalidConfig", err)
			}
		})
	}
}

func TestDefaultIndexConfigIsValid(t *testing.T) {
	cfg := DefaultIndexConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.DocMapping.Mode != ModeDynamic || cfg.DocMapping.TimestampField != "timestamp" {
		t.Fatalf("default index is %+v", cfg.DocMapping)
	}
}

func TestParseRetentionPeriod(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30 days", 30 * 24 * time.Hour, true},
		{"1 day", 24 * time.Hour, true},
		{"12 hours", 12 * time.Hour, true},
		{"90min", 90 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"2 weeks", 14 * 24 * time.Hour, true},
		{"1 year", 365 * 24 * time.Hour, true},
		{"0 days", 0, false},
		{"days", 0, false},
		{"-3 days", 0, false},
		{"3 lightyears", 0, false},
		{"99999999999999 years", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseRetentionPeriod(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRetentionPeriod(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
