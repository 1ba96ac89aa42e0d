package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/search"
)

// FuzzParseCursor checks that any accepted cursor text round-trips.
func FuzzParseCursor(f *testing.F) {
	f.Add("1768478400000000000:42")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := search.ParseCursor(s)
		if err != nil {
			return
		}
		back, err := search.ParseCursor(c.String())
		if err != nil || back != c {
			t.Fatalf("%q → %v → %q → %v, %v", s, c, c.String(), back, err)
		}
	})
}

// FuzzSearchPathsAgree runs arbitrary query text over the same events in
// a split and in the head: whatever the text, the two evaluation paths
// (columns with pruning, events one by one) must return the same hits,
// and a query must either run or fail with a QueryError.
func FuzzSearchPathsAgree(f *testing.F) {
	e, err := Open(f.TempDir(), testOptions())
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	docs := make([][]byte, len(filterDocs))
	for i, d := range filterDocs {
		docs[i] = []byte(d)
	}
	for _, id := range []string{"flushed", "head"} {
		if err := e.CreateIndex(filterIndexConfig(id)); err != nil {
			f.Fatal(err)
		}
		if _, err := e.Ingest(context.Background(), id, docs, IngestOptions{Commit: CommitForce}); err != nil {
			f.Fatal(err)
		}
	}
	ix, _ := e.lookup("flushed")
	if err := ix.flush(); err != nil {
		f.Fatal(err)
	}
	f.Add("connection-reset AND NOT level:info")
	f.Fuzz(func(t *testing.T, q string) {
		var got [2][]uint64
		for i, index := range []string{"flushed", "head"} {
			res, err := e.Search(context.Background(), SearchRequest{Index: index, Query: q, Order: Asc, CountTotal: true})
			if err != nil {
				var qe *QueryError
				if !errors.As(err, &qe) {
					t.Fatalf("%q on %s: %v is not a QueryError", q, index, err)
				}
				return
			}
			for _, h := range res.Hits {
				got[i] = append(got[i], h.Event.Seq)
			}
			if res.Total != int64(len(res.Hits)) {
				t.Fatalf("%q on %s: total %d, %d hits", q, index, res.Total, len(res.Hits))
			}
		}
		if !slices.Equal(got[0], got[1]) {
			t.Fatalf("%q: split hits %v, head hits %v", q, got[0], got[1])
		}
	})
}
