package victorialogs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestClusterShardsAndMerges starts two vlstorage, a vlinsert and a
// vlselect; lines sent to vlinsert land on both storage nodes, and vlselect
// counts all of them. The roles hold: vlinsert refuses queries, vlselect
// refuses ingest.
func TestClusterShardsAndMerges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := StartCluster(ctx, t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	const n = 2000
	var body strings.Builder
	for i := range n {
		// Many streams, so vlinsert spreads them over both nodes.
		fmt.Fprintf(&body, `{"_time":"2026-01-15T14:%02d:%02dZ","_msg":"line %d","service":"svc-%d"}`+"\n", i/60%60, i%60, i, i%50)
	}
	res, err := http.Post(c.Insert.URL+"/insert/jsonline?_stream_fields=service", "application/stream+json", strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("insert through vlinsert: %s", res.Status)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		total := count(t, c.Select.URL)
		a, b := count(t, c.Storage[0].URL), count(t, c.Storage[1].URL)
		if total == n && a+b == n {
			if a == 0 || b == 0 {
				t.Fatalf("all lines went to one storage node (%d and %d)", a, b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("vlselect counts %d, storage nodes %d and %d, want %d in all; logs:\n%s", total, a, b, n, c.Logs())
		}
		time.Sleep(300 * time.Millisecond)
	}
	if s := status(t, c.Insert.URL+"/select/logsql/query?query=*"); s == http.StatusOK {
		t.Error("vlinsert answered a query although started with -select.disable")
	}
	if s := status(t, c.Select.URL+"/insert/jsonline"); s == http.StatusOK {
		t.Error("vlselect accepted ingest although started with -insert.disable")
	}
}

// count asks a node for the number of stored lines.
func count(t *testing.T, base string) int {
	t.Helper()
	q := url.Values{"query": {"* | stats count() as n"}}
	res, err := http.Get(base + "/select/logsql/query?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), `{"n":"%d"}`, &n); err != nil {
		t.Fatalf("count on %s: %s %q", base, res.Status, out)
	}
	return n
}

func status(t *testing.T, u string) int {
	t.Helper()
	res, err := http.Post(u, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
