package engine

import (
	"context"
	"testing"
)

func TestSearchSmoke(t *testing.T) {
	e, events := loadgenEngine(t, 1, 3000, 2, 500)
	res, err := e.Search(context.Background(), SearchRequest{Index: "logs", Query: "severity:error", Limit: 5, CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range events {
		if v, _ := events[i].Get("severity"); v.Str == "error" {
			want++
		}
	}
	t.Logf("total %d want %d hits %d next %v", res.Total, want, len(res.Hits), res.Next)
	if res.Total != int64(want) {
		t.Fatal("count mismatch")
	}
}
