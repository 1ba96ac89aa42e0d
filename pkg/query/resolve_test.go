package query

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var testSchema = StaticSchema{
	IsStrict: true,
	Defaults: []string{"message", "status_code"},
	Fields: []FieldInfo{
		{Name: "message", Type: TypeText},
		{Name: "service", Type: TypeText, Tokenizer: TokenizerRaw},
		{Name: "severity", Type: TypeText, Tokenizer: TokenizerRaw},
		{Name: "status_code", Type: TypeU64},
		{Name: "delta", Type: TypeI64},
		{Name: "latency_ms", Type: TypeF64},
		{Name: "cached", Type: TypeBool},
		{Name: "timestamp", Type: TypeDatetime},
		{Name: "client_ip", Type: TypeIP},
		{Name: "attributes", Type: TypeJSON},
	},
}

func fieldInfo(name string) FieldInfo {
	fi, _ := testSchema.Field(name)
	return fi
}

func TestResolve(t *testing.T) {
	now := time.Date(2026, 1, 15, 14, 37, 0, 0, time.UTC)
	day := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	text := func(s string) Value { return Value{Type: TypeText, Text: s} }
	tests := []struct {
		query string
		want  Filter
	}{
		{"", FilterAll{}},
		{"severity:ERROR", FilterTerm{Field: fieldInfo("severity"), Value: text("ERROR")}},
		{"timeout", FilterTerm{Field: fieldInfo("message"), Value: text("timeout")}},
		{"500", FilterOr{Filters: []Filter{
			FilterTerm{Field: fieldInfo("message"), Value: text("500")},
			FilterTerm{Field: fieldInfo("status_code"), Value: Value{Type: TypeU64, Uint: 500}},
		}}},
		{"delta:-5", FilterTerm{Field: fieldInfo("delta"), Value: Value{Type: TypeI64, Int: -5}}},
		{"cached:TRUE", FilterTerm{Field: fieldInfo("cached"), Value: Value{Type: TypeBool, Bool: true}}},
		{"client_ip:::ffff:10.0.0.1", FilterTerm{Field: fieldInfo("client_ip"), Value: Value{Type: TypeIP, Text: "10.0.0.1"}}},
		{`status_code:"404"`, FilterTerm{Field: fieldInfo("status_code"), Value: Value{Type: TypeU64, Uint: 404}}},
		{`message:"conn res"*`, FilterPhrase{Field: fieldInfo("message"), Text: "conn res", Prefix: true}},
		{"service:pay*", FilterPrefix{Field: fieldInfo("service"), Prefix: "pay"}},
		{"attributes.http.status:500", FilterTerm{Field: FieldInfo{Name: "attributes.http.status", Type: TypeJSON}, Value: Value{Type: TypeJSON, Text: "500"}}},
		{"status_code:IN [200 204]", FilterSet{Field: fieldInfo("status_code"), Values: []Value{{Type: TypeU64, Uint: 200}, {Type: TypeU64, Uint: 204}}}},
		{"latency_ms:>=2.5", FilterRange{Field: fieldInfo("latency_ms"),
			Lower: ValueBound{Value: Value{Type: TypeF64, Float: 2.5}, Inclusive: true}, Upper: ValueBound{Unbounded: true}}},
		{"timestamp:[now-1d/d TO now/d]", FilterRange{Field: fieldInfo("timestamp"),
			Lower: ValueBound{Value: Value{Type: TypeDatetime, Int: day.AddDate(0, 0, -1).UnixNano()}, Inclusive: true},
			Upper: ValueBound{Value: Value{Type: TypeDatetime, Int: day.AddDate(0, 0, 1).UnixNano() - 1}, Inclusive: true}}},
		{"timestamp:{now/d TO now/d}", FilterRange{Field: fieldInfo("timestamp"),
			Lower: ValueBound{Value: Value{Type: TypeDatetime, Int: day.AddDate(0, 0, 1).UnixNano() - 1}},
			Upper: ValueBound{Value: Value{Type: TypeDatetime, Int: day.UnixNano()}}}},
		{"timestamp:>now-15m", FilterRange{Field: fieldInfo("timestamp"),
			Lower: ValueBound{Value: Value{Type: TypeDatetime, Int: now.Add(-15 * time.Minute).UnixNano()}}, Upper: ValueBound{Unbounded: true}}},
		{"NOT cached:false", FilterNot{Filter: FilterTerm{Field: fieldInfo("cached"), Value: Value{Type: TypeBool}}}},
		{"service:(a OR b)", FilterOr{Filters: []Filter{
			FilterTerm{Field: fieldInfo("service"), Value: text("a")},
			FilterTerm{Field: fieldInfo("service"), Value: text("b")},
		}}},
		{"client_ip:*", FilterExists{Field: fieldInfo("client_ip")}},
	}
	for _, tt := range tests {
		node, err := Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		got, err := Resolve(node, testSchema, now)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.query, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Resolve(%q)\n got %#v\nwant %#v", tt.query, got, tt.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	now := time.Date(2026, 1, 15, 14, 37, 0, 0, time.UTC)
	tests := []struct {
		query  string
		schema Schema
		want   string
	}{
		{"sevrity:error", testSchema, "unknown field 'sevrity' (the index mapping is strict); did you mean 'severity'?"},
		{"zzzzzz:1", testSchema, "unknown field 'zzzzzz' (the index mapping is strict)"},
		{"trace_id:*", testSchema, "unknown field 'trace_id' (the index mapping is strict)"},
		{"latency_ms:fast", testSchema, "field 'latency_ms' holds numbers; 'fast' is not a number"},
		{"latency_ms:NaN", testSchema, "field 'latency_ms' holds numbers; 'NaN' is not a number"},
		{"delta:1.5", testSchema, "field 'delta' holds whole numbers; '1.5' is not a whole number"},
		{"status_code:-1", testSchema, "field 'status_code' holds non-negative whole numbers; '-1' is not a non-negative whole number"},
		{"delta:99999999999999999999", testSchema, "field 'delta' holds whole numbers; '99999999999999999999' is out of range"},
		{"cached:yes", testSchema, "field 'cached' holds booleans; 'yes' is not true or false"},
		{"cached:[false TO true]", testSchema, "field 'cached' holds booleans; a range needs numbers"},
		{"client_ip:10.0.0", testSchema, "field 'client_ip' holds IP addresses; '10.0.0' is not an IPv4 or IPv6 address"},
		{"timestamp:>yesterday", testSchema, "field 'timestamp' holds datetimes: 'yesterday' is not a valid datetime or date math"},
		{"status_code:20*", testSchema, "field 'status_code' holds non-negative whole numbers; a prefix search ('20*') needs a text field"},
		{`latency_ms:"1"*`, testSchema, "a phrase prefix search needs a text field"},
		{"status_code:IN [200 ok]", testSchema, "'ok' is not a non-negative whole number"},
		{"timeout", StaticSchema{}, "'timeout' has no field and the index has no default search fields"},
		{"true*", StaticSchema{Defaults: []string{"cached"}, Fields: []FieldInfo{{Name: "cached", Type: TypeBool}}},
			"'true*' fits none of the default search fields (cached): field 'cached' holds booleans"},
	}
	for _, tt := range tests {
		node, err := Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		_, err = Resolve(node, tt.schema, now)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Resolve(%q) error = %v, want it to contain %q", tt.query, err, tt.want)
		}
	}
}

func TestResolveDynamicFields(t *testing.T) {
	schema := StaticSchema{Fields: []FieldInfo{{Name: "message", Type: TypeText}}}
	node, err := Parse("k8s.pod.name:api-1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Resolve(node, schema, time.Now())
	if err != nil {
		t.Fatalf("Resolve in a non-strict mapping: %v", err)
	}
	want := FilterTerm{Field: FieldInfo{Name: "k8s.pod.name", Type: TypeJSON}, Value: Value{Type: TypeJSON, Text: "api-1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
