package plugin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// hashAuthHandler serves a remembered datasource's listener before Grafana
// has handed the plugin the datasource's token. It holds only the token's
// hash: the first request whose token matches it teaches the handler the
// token, in memory only, and from then on requests go to the regular
// handler built with that token, which checks it as usual. Until then, and
// for every other token, requests go to a regular handler built with a
// random token nobody holds, so they get the same 401 (and the same open
// routes) as always.
type hashAuthHandler struct {
	hash   *tokenHash
	build  func(token string) http.Handler
	reject http.Handler
	// mu serialises hash checks: each costs ~20 ms and 19 MiB, and a client
	// sending wrong tokens must not make them run in parallel.
	mu      sync.Mutex
	learned atomic.Pointer[learnedToken]
}

type learnedToken struct {
	token   string
	handler http.Handler
}

func newHashAuthHandler(hash *tokenHash, build func(token string) http.Handler) (*hashAuthHandler, error) {
	unguessable := make([]byte, 32)
	if _, err := rand.Read(unguessable); err != nil {
		return nil, err
	}
	return &hashAuthHandler{hash: hash, build: build, reject: build(hex.EncodeToString(unguessable))}, nil
}

func (a *hashAuthHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.handlerFor(presentedCredential(r)).ServeHTTP(w, r)
}

func (a *hashAuthHandler) handlerFor(token string) http.Handler {
	if token == "" {
		return a.reject
	}
	if l := a.learned.Load(); l != nil {
		if subtle.ConstantTimeCompare([]byte(token), []byte(l.token)) == 1 {
			return l.handler
		}
		return a.reject // one token matches the hash, and it is known
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if l := a.learned.Load(); l != nil {
		return a.handlerFor(token)
	}
	if !a.hash.matches(token) {
		return a.reject
	}
	l := &learnedToken{token: token, handler: a.build(token)}
	a.learned.Store(l)
	return l.handler
}

// presentedCredential is the secret a client sends the way the ingest
// handler accepts it: a bearer token, or the password of basic auth
// (Vector's elasticsearch sink sends that).
func presentedCredential(r *http.Request) string {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return ""
	}
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "bearer":
		return cred
	case "basic":
		dec, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return ""
		}
		_, pass, _ := strings.Cut(string(dec), ":")
		return pass
	}
	return ""
}
