package backend

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSettingsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Settings
		want []string // parts of the error; none means valid
	}{
		{"embedded by default", Settings{}, nil},
		{"unknown kind", Settings{Kind: "loki"}, []string{`backend "loki"`, "embedded, quickwit or victorialogs"}},
		{"remote without URL", Settings{Kind: KindQuickwit}, []string{"needs the URL", "http://quickwit-searcher:7280"}},
		{"not http", Settings{Kind: KindVictoriaLogs, URL: "vlselect:9471"}, []string{`URL "vlselect:9471"`, "http://vlselect:9471"}},
		{"two auths", Settings{Kind: KindQuickwit, URL: "http://q", BearerToken: "t", BasicAuthUser: "u"}, []string{"not both"}},
		{"half mTLS", Settings{Kind: KindQuickwit, URL: "http://q", TLS: TLSSettings{ClientCertPEM: "x"}}, []string{"both the client certificate and its key"}},
		{"negative timeout", Settings{Kind: KindQuickwit, URL: "http://q", Timeout: -time.Second}, []string{"timeout -1s"}},
		{"every problem at once", Settings{Kind: KindQuickwit, BearerToken: "t", BasicAuthPassword: "p", Timeout: -1}, []string{"needs the URL", "not both", "timeout"}},
		{"valid remote", Settings{Kind: KindVictoriaLogs, URL: "https://vl.example:9471/"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			err := s.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
	s := Settings{Kind: KindVictoriaLogs, URL: "http://vl:9471/"}
	if err := s.Validate(); err != nil || s.URL != "http://vl:9471" || s.Timeout != DefaultTimeout ||
		s.VictoriaLogs.MessageField != "message" || s.VictoriaLogs.TimestampField != "timestamp" || s.VictoriaLogs.TextFields[0] != "message" {
		t.Fatalf("defaults not filled: %+v %v", s, err)
	}
}

func TestRefusePartial(t *testing.T) {
	if RefusePartial(nil) != nil {
		t.Fatal("a complete answer was refused")
	}
	var perr *PartialError
	if err := RefusePartial([]string{"split 3 failed"}); !errors.As(err, &perr) || !strings.Contains(err.Error(), "split 3 failed") {
		t.Fatalf("got %v", err)
	}
}
