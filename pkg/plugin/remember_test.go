package plugin

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenHash(t *testing.T) {
	h, err := hashToken("s3cret-token-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	other, err := hashToken("s3cret-token-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(h.Salt, other.Salt) || bytes.Equal(h.Hash, other.Hash) {
		t.Fatal("two hashes of one token share salt or hash: the salt is not random")
	}
	tampered := func(edit func(*tokenHash)) *tokenHash {
		c := *h
		edit(&c)
		return &c
	}
	cases := []struct {
		name  string
		hash  *tokenHash
		token string
		want  bool
	}{
		{"the token", h, "s3cret-token-0123456789", true},
		{"another token", h, "s3cret-token-0123456780", false},
		{"empty token", h, "", false},
		{"no hash", nil, "s3cret-token-0123456789", false},
		{"unknown algorithm", tampered(func(c *tokenHash) { c.Algorithm = "md5" }), "s3cret-token-0123456789", false},
		{"memory cost too high to check", tampered(func(c *tokenHash) { c.MemoryKiB = 4 << 20 }), "s3cret-token-0123456789", false},
		{"short salt", tampered(func(c *tokenHash) { c.Salt = c.Salt[:4] }), "s3cret-token-0123456789", false},
		{"zero passes", tampered(func(c *tokenHash) { c.Time = 0 }), "s3cret-token-0123456789", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.hash.matches(c.token); got != c.want {
				t.Errorf("matches = %v, want %v", got, c.want)
			}
		})
	}
}

func TestRecordsRoundTripWithoutTheToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "datasources")
	const token = "plain-token-0123456789"
	h, err := hashToken(token)
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	want := &remembered{UID: "triage", DataDir: "/var/lib/grafana/triage/triage", IngestListen: "0.0.0.0:7280", Token: h, SeenAt: seen}
	if err := saveRecord(dir, want); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(recordPath(dir, "triage"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(token)) {
		t.Fatalf("the record holds the token in the clear:\n%s", raw)
	}
	if info, _ := os.Stat(recordPath(dir, "triage")); info.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v, want 0600", info.Mode().Perm())
	}
	// A damaged record and a record naming another uid are reported, not fatal.
	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"uid":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "renamed.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	got, problems := loadRecords(dir)
	if len(got) != 1 || got[0].UID != "triage" || !got[0].SeenAt.Equal(seen) || !got[0].Token.matches(token) {
		t.Fatalf("loadRecords = %+v, want the saved record", got)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].Error()+problems[1].Error(), "damaged") {
		t.Errorf("problems = %v, want the damaged and the renamed record reported", problems)
	}
	if err := forgetRecord(dir, "triage"); err != nil {
		t.Fatal(err)
	}
	if err := forgetRecord(dir, "triage"); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
}

func TestRememberable(t *testing.T) {
	cases := []struct {
		uid, listen string
		want        bool
	}{
		{"triage", "0.0.0.0:7280", true},
		{"P8E80F9AEF21F6940", "127.0.0.1:7281", true},
		{"triage", "127.0.0.1:0", false}, // a new port each start
		{"triage", "", false},
		{"../etc", "127.0.0.1:7280", false},
		{"", "127.0.0.1:7280", false},
	}
	for _, c := range cases {
		if got := rememberable(c.uid, c.listen); got != c.want {
			t.Errorf("rememberable(%q, %q) = %v, want %v", c.uid, c.listen, got, c.want)
		}
	}
}

func TestHashAuthHandlerLearnsTheTokenFromTheFirstMatch(t *testing.T) {
	const token = "learned-token-0123456789"
	h, err := hashToken(token)
	if err != nil {
		t.Fatal(err)
	}
	var built []string
	a, err := newHashAuthHandler(h, func(tok string) http.Handler {
		built = append(built, tok)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if presentedCredential(r) != tok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	call := func(auth string) int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/logs/ingest", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		return rec.Code
	}
	steps := []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong-token-0123456789", http.StatusUnauthorized},
		{"Bearer " + token, http.StatusOK},
		{"Basic dmVjdG9yOmxlYXJuZWQtdG9rZW4tMDEyMzQ1Njc4OQ==", http.StatusOK}, // vector:<token>
		{"Bearer wrong-token-0123456789", http.StatusUnauthorized},
	}
	for i, s := range steps {
		if got := call(s.auth); got != s.want {
			t.Errorf("step %d (%q): %d, want %d", i, s.auth, got, s.want)
		}
	}
	if len(built) != 2 || built[1] != token || strings.Contains(built[0], token) {
		t.Errorf("handlers built for %q, want one rejecting handler and one for the learned token", built)
	}
}
