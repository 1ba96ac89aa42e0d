package plugin

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/server"
)

// The SDK creates a datasource's new instance (after a settings change)
// before it disposes the old one, 5 s later. Engines and listeners are
// therefore shared and reference-counted: two engines must never open one
// data directory, and the new instance takes over its own port instead of
// failing with "address already in use".
var shared = struct {
	mu        sync.Mutex
	engines   map[string]*sharedEngine
	listeners map[string]*sharedListener
}{engines: map[string]*sharedEngine{}, listeners: map[string]*sharedListener{}}

type sharedEngine struct {
	dir  string
	eng  *engine.Engine
	refs int
}

// acquireEngine opens the store in dir, or shares the one already open.
func acquireEngine(dir string, opts engine.Options) (*sharedEngine, error) {
	dir = filepath.Clean(dir)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if se := shared.engines[dir]; se != nil {
		se.refs++
		return se, nil
	}
	eng, err := engine.Open(dir, opts)
	if err != nil {
		return nil, err
	}
	se := &sharedEngine{dir: dir, eng: eng, refs: 1}
	shared.engines[dir] = se
	server.DefaultEngineCollector().Add(dir, eng)
	return se, nil
}

// retain adds a user of an engine someone already holds.
func (se *sharedEngine) retain() {
	shared.mu.Lock()
	se.refs++
	shared.mu.Unlock()
}

// release closes the engine when its last user lets go.
func (se *sharedEngine) release() error {
	shared.mu.Lock()
	se.refs--
	last := se.refs == 0
	if last {
		delete(shared.engines, se.dir)
		server.DefaultEngineCollector().Remove(se.dir)
	}
	shared.mu.Unlock()
	if last {
		return se.eng.Close()
	}
	return nil
}

type sharedListener struct {
	owner    string // datasource uid
	addr     string // as configured
	tokenSet bool
	l        *server.Listener
	refs     int
	closed   bool
}

// acquireListener gives datasource uid a listener on addr serving h. A
// replacement instance of the same datasource with the same address and
// auth mode takes over the socket; otherwise the old socket is closed
// first so its port can be bound again. tokenSet says h requires a token.
func acquireListener(uid, addr string, tokenSet bool, h http.Handler) (*sharedListener, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if cur := shared.listeners[uid]; cur != nil {
		if cur.addr == addr && cur.tokenSet == tokenSet {
			cur.refs++
			cur.l.SetHandler(h)
			return cur, nil
		}
		_ = cur.l.Close(2 * time.Second)
		cur.closed = true
		delete(shared.listeners, uid)
	}
	// server.Listen reads the token only to check its strength and to
	// decide whether a non-loopback address may be bound; h does the
	// checking against the real one, whose strength the datasource checked
	// (a standby knows only its hash). The marker stands in for it.
	authMarker := ""
	if tokenSet {
		authMarker = "token-checked-by-the-datasource"
	}
	l, err := server.Listen(addr, authMarker, h)
	if err != nil {
		return nil, fmt.Errorf("%w (is another datasource or program using this address? change ingestListen, or leave it empty to disable the listener)", err)
	}
	sl := &sharedListener{owner: uid, addr: addr, tokenSet: tokenSet, l: l, refs: 1}
	shared.listeners[uid] = sl
	return sl, nil
}

// retain adds a user of a listener someone already holds; false when it
// has been closed for a replacement on another address.
func (sl *sharedListener) retain() bool {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if sl.closed {
		return false
	}
	sl.refs++
	return true
}

// release closes the socket when its last user lets go, waiting for
// requests in flight so no acknowledged ingest is cut off.
func (sl *sharedListener) release() {
	shared.mu.Lock()
	sl.refs--
	closeNow := sl.refs == 0 && !sl.closed
	if closeNow {
		sl.closed = true
		if shared.listeners[sl.owner] == sl {
			delete(shared.listeners, sl.owner)
		}
	}
	shared.mu.Unlock()
	if closeNow {
		_ = sl.l.Close(5 * time.Second)
	}
}
