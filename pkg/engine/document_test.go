package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/engine/wal"
)

func testMapper(t testing.TB, mode string) *docMapper {
	t.Helper()
	cfg := IndexConfig{IndexID: "t", DocMapping: DocMapping{Mode: mode, TimestampField: "timestamp", FieldMappings: []FieldMapping{
		{Name: "timestamp", Type: TypeDatetime, InputFormats: []string{"rfc3339", "unix_timestamp", "%Y-%m-%d %H:%M:%S"}},
		{Name: "message", Type: TypeText},
		{Name: "level", Type: TypeText, Tokenizer: split.TokenizerRaw},
		{Name: "latency_ms", Type: TypeF64},
		{Name: "status", Type: TypeU64},
		{Name: "delta", Type: TypeI64},
		{Name: "ok", Type: TypeBool},
		{Name: "client_ip", Type: TypeIP},
		{Name: "started", Type: TypeDatetime},
		{Name: "attributes", Type: TypeJSON},
		{Name: "tags", Type: "array<text>"},
		{Name: "codes", Type: "array<i64>"},
		{Name: "http.method", Type: TypeText, Tokenizer: split.TokenizerRaw},
	}}}
	m, err := compileMapping(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fieldsString(e event.Event) string {
	var b strings.Builder
	for _, f := range e.Fields {
		b.WriteString(f.Name + "=" + f.Value.Kind.String() + ":" + f.Value.Text() + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestParseDocument(t *testing.T) {
	ts := `"timestamp":"2026-01-15T14:00:05Z"`
	want := time.Date(2026, 1, 15, 14, 0, 5, 0, time.UTC).UnixNano()
	tests := []struct {
		name, mode, doc, fields, wantErr string
	}{
		{"all types", ModeStrict, `{` + ts + `,"message":"Hello World","level":"ERROR","latency_ms":12.5,"status":200,"delta":-3,"ok":true,"client_ip":"::ffff:10.0.0.1","started":"2026-01-15T14:00:05Z"}`,
			"client_ip=ip:10.0.0.1 delta=i64:-3 latency_ms=f64:12.5 level=string:ERROR message=string:Hello World ok=bool:true started=datetime:2026-01-15T14:00:05Z status=u64:200", ""},
		{"coerce numeric strings", ModeStrict, `{` + ts + `,"latency_ms":"7","status":"404","ok":"false"}`, "latency_ms=f64:7 ok=bool:false status=u64:404", ""},
		{"integral float into i64", ModeStrict, `{` + ts + `,"delta":5.0}`, "delta=i64:5", ""},
		{"unix timestamp", ModeStrict, `{"timestamp":1768485605000}`, "", ""},
		{"strptime timestamp", ModeStrict, `{"timestamp":"2026-01-15 14:00:05"}`, "", ""},
		{"json field flattened", ModeStrict, `{` + ts + `,"attributes":{"http":{"status":500,"route":"/a"},"retry":false,"ratio":0.5,"ids":[1,2]}}`,
			"attributes.http.route=string:/a attributes.http.status=i64:500 attributes.ids=string:[1,2] attributes.ratio=f64:0.5 attributes.retry=bool:false", ""},
		{"nested mapped field", ModeStrict, `{` + ts + `,"http":{"method":"GET"}}`, "http.method=string:GET", ""},
		{"dotted key mapped field", ModeStrict, `{` + ts + `,"http.method":"GET"}`, "http.method=string:GET", ""},
		{"arrays", ModeStrict, `{` + ts + `,"tags":["a","b"],"codes":[1,"2"]}`, `codes=string:[1,2] tags=string:["a","b"]`, ""},
		{"single value for array", ModeStrict, `{` + ts + `,"tags":"solo"}`, `tags=string:["solo"]`, ""},
		{"null is absent", ModeStrict, `{` + ts + `,"message":null,"unknown":null}`, "", ""},
		{"dynamic types", ModeDynamic, `{` + ts + `,"svc":"api","n":3,"big":18446744073709551615,"f":1.5,"b":true,"k8s":{"pod":{"name":"p1"}},"list":["x",1]}`,
			`b=bool:true big=u64:18446744073709551615 f=f64:1.5 k8s.pod.name=string:p1 list=string:["x",1] n=i64:3 svc=string:api`, ""},
		{"lenient drops unknown", ModeLenient, `{` + ts + `,"foo":"bar","obj":{"x":1}}`, "", ""},
		{"strict unknown", ModeStrict, `{` + ts + `,"foo":"bar"}`, "", "unknown field 'foo' (mapping mode is strict)"},
		{"strict unknown nested", ModeStrict, `{` + ts + `,"http":{"path":"/"}}`, "", "unknown field 'http.path' (mapping mode is strict)"},
		{"missing timestamp", ModeDynamic, `{"message":"x"}`, "", "missing timestamp field 'timestamp'"},
		{"null timestamp", ModeDynamic, `{"timestamp":null}`, "", "missing timestamp field 'timestamp'"},
		{"bad timestamp", ModeDynamic, `{"timestamp":"noon"}`, "", `field 'timestamp': cannot parse "noon"`},
		{"number for f64", ModeStrict, `{` + ts + `,"latency_ms":"fast"}`, "", `field 'latency_ms': expected a number, got string "fast"`},
		{"negative u64", ModeStrict, `{` + ts + `,"status":-1}`, "", `field 'status': expected a 64-bit unsigned integer, got number -1`},
		{"fraction i64", ModeStrict, `{` + ts + `,"delta":1.5}`, "", `field 'delta': expected a 64-bit signed integer`},
		{"number for text", ModeStrict, `{` + ts + `,"message":42}`, "", `field 'message': expected a string, got number 42`},
		{"bad bool", ModeStrict, `{` + ts + `,"ok":"yes"}`, "", `field 'ok': expected a bool, got string "yes"`},
		{"bad ip", ModeStrict, `{` + ts + `,"client_ip":"10.0.0.300"}`, "", `field 'client_ip': expected an IP address`},
		{"json not object", ModeStrict, `{` + ts + `,"attributes":"x"}`, "", `field 'attributes': expected a JSON object, got string "x"`},
		{"array item", ModeStrict, `{` + ts + `,"codes":[1,"x"]}`, "", `field 'codes' item 1: expected a number`},
		{"NaN string", ModeStrict, `{` + ts + `,"latency_ms":"NaN"}`, "", `expected a number`},
		{"duplicate path", ModeDynamic, `{` + ts + `,"a.b":1,"a":{"b":2}}`, "", `field 'a.b' appears twice`},
		{"repeated key", ModeDynamic, `{` + ts + `,"x":1,"x":2}`, "", `field 'x' appears twice`},
		{"repeated timestamp", ModeDynamic, `{` + ts + `,` + ts + `}`, "", `field 'timestamp' appears twice`},
		{"deep nesting", ModeDynamic, `{` + ts + `,"a":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat(`}`, 70) + `}`, "", `nested deeper than 64`},
		{"bad escape", ModeDynamic, `{` + ts + `,"m":"\x"}`, "", `bad escape`},
		{"escapes", ModeDynamic, `{` + ts + `,"m":"a\n\u00e9\ud83d\ude00\"\/"}`, "m=string:a\né😀\"/", ""},
		{"control char", ModeDynamic, "{" + ts + ",\"m\":\"a\tb\"}", "", `control character`},
		{"bad number", ModeDynamic, `{` + ts + `,"n":01}`, "", `invalid JSON`},
		{"bad literal", ModeDynamic, `{` + ts + `,"b":tru}`, "", `expected true`},
		{"trailing comma", ModeDynamic, `{` + ts + `,}`, "", `invalid JSON`},
		{"lenient skips arrays", ModeLenient, `{` + ts + `,"x":[1,{"y":[]}],"m":"\u0041"}`, "", ""},
		{"array document", ModeDynamic, `[1,2]`, "", "not a JSON object"},
		{"empty", ModeDynamic, ``, "", "not a JSON object"},
		{"truncated", ModeDynamic, `{"timestamp":`, "", "invalid JSON"},
		{"two objects", ModeDynamic, `{` + ts + `}{}`, "", "unexpected data after the object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := testMapper(t, tc.mode).parseDocument([]byte(tc.doc))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fieldsString(ev); got != tc.fields {
				t.Fatalf("fields\n got: %s\nwant: %s", got, tc.fields)
			}
			if strings.Contains(tc.doc, ts) && ev.Timestamp != want {
				t.Fatalf("timestamp %d, want %d", ev.Timestamp, want)
			}
		})
	}
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{"timestamp":"2026-01-15T14:00:05Z","message":"hi","attributes":{"a":[1,{"b":null}]}}`))
	f.Add([]byte(`{"timestamp":1768485605,"status":"200","tags":["x"],"client_ip":"::1"}`))
	f.Add([]byte(`{"a.b":1,"a":{"b":2},"timestamp":"2026-01-15 14:00:05"}`))
	// The ingest handlers pass on any line that starts with '{' (see
	// pkg/ingest/ndjson.go): in every mode the parser must accept only
	// valid JSON.
	mappers := []*docMapper{testMapper(f, ModeDynamic), testMapper(f, ModeLenient), testMapper(f, ModeStrict)}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, m := range mappers[1:] {
			if _, err := m.parseDocument(doc); err == nil && !json.Valid(doc) {
				t.Fatalf("mode %s accepted invalid JSON %q", m.mode, doc)
			}
		}
		m := mappers[0]
		ev, err := m.parseDocument(doc)
		// The scanner agrees with encoding/json on what is valid JSON.
		if err != nil && strings.HasPrefix(err.Error(), "invalid JSON") && json.Valid(doc) {
			t.Fatalf("rejected valid JSON %q: %v", doc, err)
		}
		if err != nil {
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("accepted invalid JSON %q", doc)
		}
		seen := map[string]bool{}
		for i, fl := range ev.Fields {
			if fl.Name == "" || seen[fl.Name] || fl.Name == "timestamp" {
				t.Fatalf("bad field name %q", fl.Name)
			}
			if i > 0 && ev.Fields[i-1].Name >= fl.Name {
				t.Fatal("fields not sorted")
			}
			seen[fl.Name] = true
		}
		// An accepted event survives the WAL encoding unchanged.
		round, err := wal.DecodeEvents(wal.AppendEvent(nil, &ev), 1)
		if err != nil || len(round) != 1 || fieldsString(round[0]) != fieldsString(ev) || round[0].Timestamp != ev.Timestamp {
			t.Fatalf("WAL round trip: %v", err)
		}
	})
}
