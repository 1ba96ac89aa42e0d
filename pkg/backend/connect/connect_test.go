package connect

import (
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
)

func TestOpen(t *testing.T) {
	eng, err := engine.Open(t.TempDir(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		s    backend.Settings
		want string
	}{
		{backend.Settings{}, backend.KindEmbedded},
		{backend.Settings{Kind: backend.KindQuickwit, URL: "http://quickwit:7280"}, backend.KindQuickwit},
		{backend.Settings{Kind: backend.KindVictoriaLogs, URL: "http://vlselect:9471"}, backend.KindVictoriaLogs},
	} {
		b, err := Open(tc.s, eng)
		if err != nil || b.Name() != tc.want {
			t.Errorf("Open(%+v) = %v, %v; want %s", tc.s, b, err, tc.want)
		}
	}
	if _, err := Open(backend.Settings{Kind: backend.KindQuickwit}, nil); err == nil || !strings.Contains(err.Error(), "needs the URL") {
		t.Errorf("a Quickwit backend without URL: %v", err)
	}
	if _, err := Open(backend.Settings{}, nil); err == nil {
		t.Error("an embedded backend without engine was opened")
	}
}
