package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestFields(t *testing.T) {
	e := filterEngine(t)
	for _, index := range []string{"flushed", "head"} {
		fields, err := e.Fields(index)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fields {
			got = append(got, fmt.Sprintf("%s:%s:%v", f.Name, f.Type, f.Aggregatable))
		}
		want := "attrs:json:false attrs.http.status:i64:true codes:array<i64>:true dyn:json:true endpoint:text:true id:i64:true ip:ip:true " +
			"level:text:true msg:text:false n:u64:true ok:bool:true tags:array<text>:false ts:datetime:true"
		if strings.Join(got, " ") != want {
			t.Fatalf("%s fields:\n%s\nwant\n%s", index, strings.Join(got, " "), want)
		}
	}
}

func TestFieldValues(t *testing.T) {
	e := filterEngine(t)
	cases := []struct {
		req  FieldValuesRequest
		want string
	}{
		{FieldValuesRequest{Field: "level"}, "error:2 ERROR:1 info:1 warn:1"},
		{FieldValuesRequest{Field: "level", Limit: 2}, "error:2 ERROR:1"},
		{FieldValuesRequest{Field: "level", Prefix: "e"}, "error:2 ERROR:1"},
		{FieldValuesRequest{Field: "level", Query: "reset"}, "ERROR:1 error:1 info:1"},
		{FieldValuesRequest{Field: "n"}, "5:1 7:1 50:1 500:1"},
		{FieldValuesRequest{Field: "dyn"}, "2.5:1 500:1 abc:1 true:1"},
		{FieldValuesRequest{Field: "nope"}, ""},
	}
	for _, c := range cases {
		for _, index := range []string{"flushed", "head"} {
			c.req.Index = index
			vals, err := e.FieldValues(context.Background(), c.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vals {
				got = append(got, fmt.Sprintf("%s:%d", v.Value, v.Count))
			}
			if strings.Join(got, " ") != c.want {
				t.Fatalf("%s %+v: %q, want %q", index, c.req, strings.Join(got, " "), c.want)
			}
		}
	}
	if _, err := e.FieldValues(context.Background(), FieldValuesRequest{Index: "head", Field: "ts"}); err == nil {
		t.Fatal("values of the timestamp field: no error")
	}
}
