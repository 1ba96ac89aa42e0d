package test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// A live logs query carries a channel; a subscriber then receives, in
// order, exactly the matching events ingested after it subscribed.
func TestLiveTailStreamsNewMatchingEventsInOrder(t *testing.T) {
	ds := demoDatasource(t, nil)
	r := ds.Query(t, demoQuery("A", `{"queryType":"logs","query":"service:tail-test AND severity:error","live":true}`))["A"]
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	channel := r.Frames[0].Meta.Channel
	prefix := "ds/" + ds.Settings.Uid + "/"
	if !strings.HasPrefix(channel, prefix) {
		t.Fatalf("meta.channel %q is not a channel of this datasource", channel)
	}
	ctx, stream := subscribeAndRun(t, ds, strings.TrimPrefix(channel, prefix))
	time.Sleep(200 * time.Millisecond) // let RunStream subscribe before ingesting
	var body strings.Builder
	for i := 0; i < 40; i++ {
		sev := "error"
		if i%2 == 1 {
			sev = "info"
		}
		fmt.Fprintf(&body, `{"timestamp":"%s","service":"tail-test","severity":%q,"message":"tail %02d"}`+"\n",
			time.Now().UTC().Format(time.RFC3339Nano), sev, i)
	}
	if res := ds.Resource(t, "POST", "ingest/logs?commit=force", []byte(body.String())); res.Status != 200 {
		t.Fatalf("ingest: %d %s", res.Status, res.Body)
	}
	var got []string
	for len(got) < 20 {
		select {
		case f, ok := <-stream.Frames:
			if !ok {
				t.Fatalf("stream ended after %d lines: %v", len(got), <-stream.Err)
			}
			body := fieldByName(t, f, "body")
			for i := 0; i < f.Rows(); i++ {
				got = append(got, body.At(i).(string))
			}
		case <-ctx.Done():
			t.Fatalf("got %d lines before the timeout, want 20", len(got))
		}
	}
	for i, line := range got {
		if want := fmt.Sprintf("tail %02d", 2*i); line != want {
			t.Fatalf("line %d is %q, want %q (in order, errors only)", i, line, want)
		}
	}
	if s := ds.Subscribe(t, "tail/not-base64!", nil); s.Status != pluginv2.SubscribeStreamResponse_NOT_FOUND {
		t.Fatalf("a malformed tail path was admitted: %v", s.Status)
	}
}

func fieldByName(t *testing.T, f *data.Frame, name string) *data.Field {
	t.Helper()
	for _, fld := range f.Fields {
		if fld.Name == name {
			return fld
		}
	}
	t.Fatalf("frame has no field %q", name)
	return nil
}

// Alert rules run without a browser: no variables, backend macros, and
// numeric frames a rule can reduce.
func TestAlertStyleQueriesReturnNumbers(t *testing.T) {
	ds := demoDatasource(t, nil)
	for name, q := range map[string]string{
		"error rate with $__interval":  `{"queryType":"timeseries","query":"severity:error AND service:payment-service","interval":"$__interval"}`,
		"p99 with macros in the query": `{"queryType":"timeseries","query":"service:payment-service AND timestamp:[$__from TO $__to]","metrics":[{"type":"p99","field":"latency_ms"}],"interval":"5m"}`,
		"totals table":                 `{"queryType":"table","query":"severity:error","metrics":[{"type":"count"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := ds.Query(t, demoQuery("A", q))["A"]
			if r.Error != "" {
				t.Fatal(r.Error)
			}
			var sum float64
			numeric := 0
			for _, f := range r.Frames {
				for _, fld := range f.Fields {
					if !fld.Type().Numeric() {
						continue
					}
					numeric++
					for i := 0; i < fld.Len(); i++ {
						if v, ok := fld.ConcreteAt(i); ok {
							x, _ := fld.NullableFloatAt(i)
							if x != nil {
								sum += *x
							}
							_ = v
						}
					}
				}
			}
			if numeric == 0 || sum <= 0 {
				t.Fatalf("frames %v have no numbers to alert on", r.Frames)
			}
		})
	}
}

func TestEditorResources(t *testing.T) {
	ds := demoDatasource(t, nil)
	get := func(path string, v any) {
		t.Helper()
		r := ds.Resource(t, "GET", path, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		if err := json.Unmarshal(r.Body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, r.Body)
		}
	}
	var v struct {
		Valid bool `json:"valid"`
		Error struct {
			Message string `json:"message"`
			Column  int    `json:"column"`
		} `json:"error"`
	}
	for _, tt := range []struct {
		query   string
		valid   bool
		column  int
		message string
	}{
		{"severity:error AND service:payment-service", true, 0, ""},
		{"service:$service AND level:${level:csv} [[host]]", true, 0, ""},
		{"service:$service AND (severity:error", false, 22, "missing ')' for the '(' opened at column 22"},
		{"service:", false, 9, "expected a value after 'service:'"},
		{"service:$service", false, 9, "unresolved template variable"},
	} {
		path := "validate?query=" + url.QueryEscape(tt.query)
		if !strings.Contains(tt.query, "$service\"") && tt.message != "unresolved template variable" {
			path += "&variables=allow"
		}
		v.Valid, v.Error.Message, v.Error.Column = false, "", 0
		get(path, &v)
		if v.Valid != tt.valid || (!tt.valid && (v.Error.Column != tt.column || !strings.Contains(v.Error.Message, tt.message))) {
			t.Errorf("validate %q = %+v, want valid=%v at column %d mentioning %q", tt.query, v, tt.valid, tt.column, tt.message)
		}
	}
	var fields struct {
		Fields []struct {
			Name         string `json:"name"`
			Type         string `json:"type"`
			Aggregatable bool   `json:"aggregatable"`
		} `json:"fields"`
	}
	get("fields", &fields)
	types := map[string]string{}
	for _, f := range fields.Fields {
		types[f.Name] = f.Type
	}
	for name, typ := range map[string]string{"service": "text", "latency_ms": "f64", "status_code": "i64", "timestamp": "datetime"} {
		if types[name] != typ {
			t.Errorf("field %s has type %q, want %q (all: %v)", name, types[name], typ, types)
		}
	}
	var values struct {
		Values []struct {
			Value string `json:"value"`
			Count int64  `json:"count"`
		} `json:"values"`
	}
	get(fmt.Sprintf("values?field=service&prefix=pay&query=%s&from=%d&to=%d&limit=5", url.QueryEscape("severity:error"),
		demoStart.UnixMilli(), demoStart.Add(time.Hour).UnixMilli()), &values)
	if len(values.Values) != 1 || values.Values[0].Value != "payment-service" || values.Values[0].Count == 0 {
		t.Errorf("values = %+v, want payment-service with its error count", values.Values)
	}
	var indexes struct {
		Indexes []struct {
			ID           string `json:"id"`
			MessageField string `json:"messageField"`
			LevelField   string `json:"levelField"`
		} `json:"indexes"`
	}
	get("indexes", &indexes)
	if len(indexes.Indexes) != 1 || indexes.Indexes[0].ID != "logs" || indexes.Indexes[0].LevelField != "severity" {
		t.Errorf("indexes = %+v", indexes.Indexes)
	}
	if r := ds.Resource(t, "GET", "fields?index=nosuch", nil); r.Status != 404 {
		t.Errorf("fields of an unknown index: %d %s, want 404", r.Status, r.Body)
	}
	if r := ds.Resource(t, "GET", "values?field=service&from=yesterday", nil); r.Status != 400 {
		t.Errorf("values with a bad from: %d %s, want 400", r.Status, r.Body)
	}
}
