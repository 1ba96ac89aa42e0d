package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// filterDocs cover each kind a filter meets: default and raw text, typed
// mapped fields, dynamic fields holding several kinds, nested json.
var filterDocs = []string{
	`{"ts":"2026-01-15T10:00:00Z","id":1,"msg":"Connection reset by peer","level":"ERROR","ip":"10.0.0.1","ok":false,"n":5,"dyn":"abc","attrs":{"http":{"status":500}},"tags":["alpha","beta gamma"],"codes":[1,2]}`,
	`{"ts":"2026-01-15T10:00:01Z","id":2,"msg":"connection-reset while reading","level":"error","ip":"10.0.0.20","ok":true,"n":50,"dyn":500,"tags":"alpha","codes":[3]}`,
	`{"ts":"2026-01-15T10:00:02Z","id":3,"msg":"timeout talking to payments","level":"warn","ip":"::1","n":7,"dyn":true,"endpoint":"/api/v1/orders"}`,
	`{"ts":"2026-01-15T10:00:03Z","id":4,"msg":"reset the timer","level":"info","ok":true,"dyn":2.5,"endpoint":"/api/v2/orders","attrs":{"http":{"status":404}}}`,
	`{"ts":"2026-01-15T10:00:04Z","id":5,"msg":"PaymentGatewayTimeoutException: upstream","level":"error","ip":"192.168.1.1","n":500,"endpoint":"/api/v1/users/7"}`,
}

func filterIndexConfig(id string) IndexConfig {
	return IndexConfig{
		IndexID: id,
		DocMapping: DocMapping{Mode: ModeDynamic, TimestampField: "ts", FieldMappings: []FieldMapping{
			{Name: "ts", Type: TypeDatetime},
			{Name: "msg", Type: TypeText},
			{Name: "level", Type: TypeText, Tokenizer: split.TokenizerRaw},
			{Name: "ip", Type: TypeIP},
			{Name: "ok", Type: TypeBool},
			{Name: "n", Type: TypeU64},
			{Name: "attrs", Type: TypeJSON},
			{Name: "tags", Type: "array<text>"},
			{Name: "codes", Type: "array<i64>"},
		}},
		SearchSettings: SearchSettings{DefaultSearchFields: []string{"msg"}},
	}
}

// filterEngine holds filterDocs twice: index "flushed" all in one split,
// index "head" all in the head, so every case runs both evaluation paths.
func filterEngine(t *testing.T) *Engine {
	t.Helper()
	e := openTestEngine(t, t.TempDir(), testOptions())
	t.Cleanup(func() { e.Close() })
	docs := make([][]byte, len(filterDocs))
	for i, d := range filterDocs {
		docs[i] = []byte(d)
	}
	for _, id := range []string{"flushed", "head"} {
		if err := e.CreateIndex(filterIndexConfig(id)); err != nil {
			t.Fatal(err)
		}
		res, err := e.Ingest(context.Background(), id, docs, IngestOptions{Commit: CommitForce})
		if err != nil || res.Accepted != len(docs) {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
	}
	ix, _ := e.lookup("flushed")
	if err := ix.flush(); err != nil {
		t.Fatal(err)
	}
	return e
}

// searchIDs runs q on index oldest first and returns the hits' ids.
func searchIDs(t *testing.T, e *Engine, index, q string) []int64 {
	t.Helper()
	res, err := e.Search(context.Background(), SearchRequest{Index: index, Query: q, Order: Asc, CountTotal: true})
	if err != nil {
		t.Fatalf("%s: %q: %v", index, q, err)
	}
	ids := []int64{}
	for _, h := range res.Hits {
		v, _ := h.Event.Get("id")
		ids = append(ids, v.Int())
	}
	if res.Total != int64(len(ids)) {
		t.Fatalf("%s: %q: total %d for %d hits", index, q, res.Total, len(ids))
	}
	return ids
}

func TestFilters(t *testing.T) {
	e := filterEngine(t)
	cases := []struct {
		query string
		want  []int64
	}{
		{"*", []int64{1, 2, 3, 4, 5}},
		// default text: lower-cased word tokens; several tokens are a phrase
		{"connection", []int64{1, 2}},
		{"CONNECTION", []int64{1, 2}},
		{"connection-reset", []int64{1, 2}},
		{"reset", []int64{1, 2, 4}},
		{"msg:paymentgatewaytimeoutexception", []int64{5}},
		{`msg:"reset by peer"`, []int64{1}},
		{`msg:"peer by reset"`, []int64{}},
		{`msg:"connection res"*`, []int64{1, 2}},
		// the exception name is one token: it does not start with "time"
		{"msg:time*", []int64{3, 4}},
		{"msg:timeo*", []int64{3}},
		// raw text: whole value, case-sensitive
		{"level:error", []int64{2, 5}},
		{"level:ERROR", []int64{1}},
		{"level:err*", []int64{2, 5}},
		{"level:IN [warn info]", []int64{3, 4}},
		{"level:[f TO j]", []int64{4}},
		// typed mapped fields
		{"n:50", []int64{2}},
		{"n:>=50", []int64{2, 5}},
		{"n:{5 TO 500}", []int64{2, 3}},
		{"n:[* TO 7]", []int64{1, 3}},
		{"ok:true", []int64{2, 4}},
		{"ip:10.0.0.1", []int64{1}},
		{"ip:[10.0.0.2 TO 10.0.0.255]", []int64{2}},
		// IPv4 sorts as IPv4-mapped IPv6, so ::1 is below 0.0.0.0
		{"ip:[0.0.0.0 TO *]", []int64{1, 2, 5}},
		{"ip:<0.0.0.0", []int64{3}},
		{"ts:[2026-01-15T10:00:01Z TO 2026-01-15T10:00:03Z}", []int64{2, 3}},
		{"ts:>2026-01-15T10:00:03Z", []int64{5}},
		// dynamic field holding text, number and bool
		{"dyn:abc", []int64{1}},
		{"dyn:500", []int64{2}},
		{"dyn:true", []int64{3}},
		{"dyn:2.5", []int64{4}},
		{"dyn:[100 TO 1000]", []int64{2}},
		{"dyn:*", []int64{1, 2, 3, 4}},
		// dynamic text prefix: words of a path, the last one open
		{"endpoint:/api/v1/*", []int64{3, 5}},
		{"endpoint:/api/v*", []int64{3, 4, 5}},
		// json field
		{"attrs.http.status:404", []int64{4}},
		{"attrs.http.status:>=400", []int64{1, 4}},
		{"attrs.http.status:*", []int64{1, 4}},
		// arrays: any element
		{"tags:alpha", []int64{1, 2}},
		{"tags:gamma", []int64{1}},
		{`tags:"beta gamma"`, []int64{1}},
		{"codes:2", []int64{1}},
		{"codes:3", []int64{2}},
		{"codes:*", []int64{1, 2}},
		{"codes:[2 TO 3]", []int64{1, 2}},
		{"codes:>3", []int64{}},
		// boolean structure
		{"NOT level:error", []int64{1, 3, 4}},
		{"-ip:*", []int64{4}},
		{"reset AND NOT level:info", []int64{1, 2}},
		{"level:warn OR n:500", []int64{3, 5}},
		{"(level:warn OR level:info) AND ok:true", []int64{4}},
		{"NOT (connection OR timeout)", []int64{4, 5}},
		{"nosuchfield:x", []int64{}},
		{"NOT nosuchfield:x", []int64{1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		for _, index := range []string{"flushed", "head"} {
			t.Run(fmt.Sprintf("%s/%s", index, c.query), func(t *testing.T) {
				if got := searchIDs(t, e, index, c.query); !slices.Equal(got, c.want) {
					t.Fatalf("%q on %s: ids %v, want %v", c.query, index, got, c.want)
				}
			})
		}
	}
}
