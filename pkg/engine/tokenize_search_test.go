package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// TestOldStoreSearchesWithQuickwitTokens opens a store whose split was
// written before the tokenizer change (testdata/store-v1) and checks that
// queries answer as Quickwit's tokenizer would, before and after the
// merger re-tokenises the split.
func TestOldStoreSearchesWithQuickwitTokens(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/store-v1", dir)
	e := openTestEngine(t, dir, testOptions())
	defer e.Close()
	ix, err := e.lookup(DefaultIndexID)
	if err != nil {
		t.Fatal(err)
	}
	splitVersions := func() []int {
		ix.viewMu.Lock()
		defer ix.viewMu.Unlock()
		var out []int
		for _, r := range ix.view.splits {
			out = append(out, r.split.Meta.TermsVersion)
		}
		return out
	}
	if v := splitVersions(); !slices.Equal(v, []int{0}) {
		t.Fatalf("fixture split terms versions = %v, want [0]", v)
	}
	cases := []struct {
		q    string
		want int
	}{
		{"timeout", 3},           // ...payment.timeout.Handler, timeout-a, timeout waiting
		{"payment", 1},           // only inside com.shop.payment.timeout.Handler
		{"handler", 1},           // case folded
		{"o", 1},                 // i/o
		{"mail", 1},              // e.mail@example.com
		{"example.com", 1},       // a phrase of two tokens
		{"snake", 1},             // snake_case_name
		{"x_y", 1},               // x y adjacent
		{"東京タワー", 1},             // one token: Japanese letters are alphanumeric
		{"\"reset by\"", 1},      // phrase
		{"\"timeout wait\"*", 1}, // phrase prefix
		{"timeo*", 3},            // prefix
		{"logger:handler", 1},    // dynamic field, default tokenizer
		{"logger:com.shop*", 2},  // phrase prefix in a dynamic field
		{"severity:ERROR", 2},    // raw: exact
		{"severity:error", 0},
		{"blob", 1},
		{"\"blob end\"", 0}, // the 300-byte token between them keeps its position
	}
	check := func(stage string) {
		snap, err := e.Snapshot(DefaultIndexID)
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Release()
		events := allEvents(t, e, DefaultIndexID)
		schema := newIndexSchema(ix.mapper.Load(), snap)
		for _, tc := range cases {
			res, err := e.Search(context.Background(), SearchRequest{Index: DefaultIndexID, Query: tc.q, CountTotal: true})
			if err != nil {
				t.Fatalf("%s: %s: %v", stage, tc.q, err)
			}
			if res.Total != int64(tc.want) {
				t.Errorf("%s: %s: %d hits, want %d", stage, tc.q, res.Total, tc.want)
			}
			node, err := query.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			f, err := query.Resolve(node, schema, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			oracle := 0
			for i := range events {
				if bruteMatch(f, &events[i]) {
					oracle++
				}
			}
			if oracle != tc.want {
				t.Errorf("%s: %s: the Quickwit oracle finds %d, the table says %d", stage, tc.q, oracle, tc.want)
			}
		}
	}
	check("old split")
	merged, err := ix.mergeOnce(context.Background(), time.Now())
	if err != nil || !merged {
		t.Fatalf("merger did not rewrite the old split: merged=%v err=%v", merged, err)
	}
	if v := splitVersions(); !slices.Equal(v, []int{split.TermsVersionQuickwit}) {
		t.Fatalf("after the rewrite terms versions = %v", v)
	}
	check("re-tokenised split")
	if merged, err := ix.mergeOnce(context.Background(), time.Now()); err != nil || merged {
		t.Fatalf("a second idle merge ran: merged=%v err=%v", merged, err)
	}
}

// TestArrayElementsAreTokenizedOneByOne: a mapped text array is stored as
// its JSON text, whose escapes (\n, \u003c) would glue letters onto the
// next word; the term index must hold each element's own tokens, or a
// lookup misses the granule that the exact check would match.
func TestArrayElementsAreTokenizedOneByOne(t *testing.T) {
	e := openTestEngine(t, t.TempDir(), testOptions())
	defer e.Close()
	cfg := tokenTestConfig("arr")
	cfg.DocMapping.FieldMappings = append(cfg.DocMapping.FieldMappings,
		FieldMapping{Name: "tags", Type: "array<text>"},
		FieldMapping{Name: "rtags", Type: "array<text>", Tokenizer: split.TokenizerRaw})
	if err := e.CreateIndex(cfg); err != nil {
		t.Fatal(err)
	}
	doc := `{"timestamp":1768485600,"tags":["a<b","line\nbreak","Foo.Bar"],"rtags":["Foo.Bar","x y"]}`
	cases := []struct {
		q    string
		want int64
	}{
		{"tags:b", 1}, {"tags:break", 1}, {"tags:bar", 1}, {`tags:"foo bar"`, 1}, {"tags:nbreak", 0},
		{"rtags:Foo.Bar", 1}, {`rtags:"x y"`, 1}, {"rtags:foo.bar", 0},
	}
	for _, stage := range []string{"head", "split"} {
		if stage == "head" {
			if _, err := e.Ingest(context.Background(), "arr", [][]byte{[]byte(doc)}, IngestOptions{Commit: CommitForce}); err != nil {
				t.Fatal(err)
			}
		} else if err := e.Flush("arr"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			res, err := e.Search(context.Background(), SearchRequest{Index: "arr", Query: tc.q, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tc.want {
				t.Errorf("%s: %s: %d hits, want %d", stage, tc.q, res.Total, tc.want)
			}
		}
	}
}

// TestDefaultSearchFields: a bare term is searched in the index's
// default_search_fields, or in the fields a request names instead
// (Quickwit's search_field, query_string's default_field).
func TestDefaultSearchFields(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/store-v1", dir)
	e := openTestEngine(t, dir, testOptions())
	defer e.Close()
	cases := []struct {
		query  string
		fields []string
		want   int64
		err    string
	}{
		{"timeout", nil, 3, ""},           // message only
		{"io", nil, 0, ""},                // "io.net" is a logger, not a message
		{"io", []string{"logger"}, 1, ""}, // the logger field instead
		{"timeout", []string{"logger", "message"}, 3, ""},
		{"handler", []string{"logger", "message"}, 1, ""},
		{"ERROR", []string{"severity"}, 2, ""}, // raw: exact
		{"x", []string{"timestamp"}, 0, "search field: field \"timestamp\" is datetime"},
	}
	for _, tc := range cases {
		res, err := e.Search(context.Background(), SearchRequest{Index: DefaultIndexID, Query: tc.query, SearchFields: tc.fields, CountTotal: true})
		if tc.err != "" {
			var qe *QueryError
			if !errors.As(err, &qe) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s in %v: error %v, want a query error %q", tc.query, tc.fields, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s in %v: %v", tc.query, tc.fields, err)
		}
		if res.Total != tc.want {
			t.Errorf("%s in %v: %d hits, want %d", tc.query, tc.fields, res.Total, tc.want)
		}
	}
}
