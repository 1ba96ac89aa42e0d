package plugin

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func ingestOnce(t *testing.T, addr, token string, n int) (int, error) {
	t.Helper()
	var body strings.Builder
	for i := range n {
		fmt.Fprintf(&body, `{"timestamp":"2026-01-15T14:00:%02dZ","message":"event %d"}`+"\n", i%60, i)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/logs/ingest?commit=wait_for", strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// Grafana disposes of an instance without replacing it when its
// ttlPluginInstanceManager toggle evicts an idle one: ingest must go on.
func TestDisposeWithoutReplacementKeepsIngestUp(t *testing.T) {
	t.Setenv("GF_PATHS_DATA", t.TempDir())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const uid, token = "standby-unit", "standby-token-0123456789"
	settings := backend.DataSourceInstanceSettings{
		UID:                     uid,
		JSONData:                []byte(fmt.Sprintf(`{"dataDir":%q,"ingestListen":%q}`, t.TempDir(), addr)),
		DecryptedSecureJSONData: map[string]string{"ingestToken": token},
	}
	newInstance := func() *Datasource {
		inst, err := NewDatasource(context.Background(), settings)
		if err != nil {
			t.Fatal(err)
		}
		ds := inst.(*Datasource)
		if ds.setupErr != nil || ds.listenErr != nil || ds.rememberErr != nil {
			t.Fatalf("instance: setup %v, listener %v, remember %v", ds.setupErr, ds.listenErr, ds.rememberErr)
		}
		return ds
	}
	t.Cleanup(func() {
		keeper.mu.Lock()
		hold := keeper.standby[uid]
		keeper.mu.Unlock()
		if hold != nil {
			expireStandby(uid, hold, 0)
		}
	})

	first := newInstance()
	if code, err := ingestOnce(t, addr, token, 3); err != nil || code != http.StatusOK {
		t.Fatalf("ingest with the instance: %d %v", code, err)
	}
	first.Dispose()
	if code, err := ingestOnce(t, addr, token, 4); err != nil || code != http.StatusOK {
		t.Fatalf("ingest after Dispose without a replacement: %d %v, want 200", code, err)
	}
	second := newInstance()
	eng, err := second.engine()
	if err != nil {
		t.Fatal(err)
	}
	if _, stats, err := eng.DescribeIndex("logs"); err != nil || stats.Events != 7 {
		t.Fatalf("the next instance sees %d events (%v), want the 3 + 4 ingested", stats.Events, err)
	}
	keeper.mu.Lock()
	standing := keeper.standby[uid]
	keeper.mu.Unlock()
	if standing != nil {
		t.Fatal("the standby was not handed over to the new instance")
	}
	second.Dispose()
	if code, err := ingestOnce(t, addr, token, 1); err != nil || code != http.StatusOK {
		t.Fatalf("ingest after the second Dispose: %d %v, want 200", code, err)
	}
}
