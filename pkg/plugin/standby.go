package plugin

// Ingest must be up when Grafana is, but Grafana creates a datasource's
// instance lazily (at its first query, health check or resource call) and
// tells a plugin nothing when a datasource is deleted: the plugin protocol
// has no such call, and Dispose comes only when an instance is replaced
// (new settings) or, with Grafana's ttlPluginInstanceManager feature
// toggle, evicted after an hour unused. So a listener cannot live and die
// with its instance. Instead:
//
//   - an instance with a listener on a fixed port is remembered on disk
//     (remember.go; the token only as a salted hash);
//   - when the plugin starts, every remembered datasource's store and
//     listener come up at once ("standby"); the datasource's instance takes
//     them over when Grafana creates it, and gives them back to standby
//     when Grafana disposes of it without a replacement;
//   - a standby datasource stops, and is forgotten, when a datasource that
//     Grafana does use needs its port (the usual sign it was deleted and
//     recreated), or when Grafana has not had an instance of it for the
//     lease (TRIAGE_STANDBY_LEASE, default 30 days).

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/server"
)

// defaultStandbyLease is how long a datasource stays up without Grafana
// having an instance of it: far longer than any datasource in use goes
// without a query, a health check or an alert evaluation.
const defaultStandbyLease = 30 * 24 * time.Hour

// seenRefresh is how often the records of datasources with a live instance
// are stamped as seen.
const seenRefresh = 24 * time.Hour

// standbyHold is a datasource's store and listener kept up without an instance.
type standbyHold struct {
	store    *sharedEngine
	listener *sharedListener
	expiry   *time.Timer
}

func (h *standbyHold) release() {
	if h.expiry != nil {
		h.expiry.Stop()
	}
	h.listener.release()
	if err := h.store.release(); err != nil {
		log.DefaultLogger.Error("close store", "dir", h.store.dir, "error", err)
	}
}

var keeper = struct {
	mu       sync.Mutex
	uidLocks map[string]*sync.Mutex
	live     map[string]int // instances alive per datasource uid
	standby  map[string]*standbyHold
	records  map[string]*remembered
}{uidLocks: map[string]*sync.Mutex{}, live: map[string]int{}, standby: map[string]*standbyHold{}, records: map[string]*remembered{}}

// lockDatasource serialises bringing a datasource up, creating and
// disposing of its instances, so a standby never starts after an instance
// took over.
func lockDatasource(uid string) (unlock func()) {
	keeper.mu.Lock()
	m := keeper.uidLocks[uid]
	if m == nil {
		m = &sync.Mutex{}
		keeper.uidLocks[uid] = m
	}
	keeper.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// standbyLease reads TRIAGE_STANDBY_LEASE (a Go duration such as 720h).
func standbyLease() (time.Duration, error) {
	v := os.Getenv("TRIAGE_STANDBY_LEASE")
	if v == "" {
		return defaultStandbyLease, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return defaultStandbyLease, fmt.Errorf("TRIAGE_STANDBY_LEASE=%q is not a positive duration such as 720h; using %s", v, defaultStandbyLease)
	}
	return d, nil
}

// StartRemembered brings up, in the background, the store and ingest
// listener of every datasource this plugin served before, and keeps the
// records of live datasources fresh. pkg/main calls it before serving
// Grafana, so ingest is up as soon as Grafana starts the plugin.
func StartRemembered() {
	go func() {
		bringUpRemembered()
		for range time.Tick(seenRefresh) {
			refreshSeen()
		}
	}()
}

func bringUpRemembered() {
	logger := log.DefaultLogger
	lease, err := standbyLease()
	if err != nil {
		logger.Warn(err.Error())
	}
	dir := rememberDir()
	records, problems := loadRecords(dir)
	for _, p := range problems {
		logger.Warn("remembered datasource not brought up", "error", p)
	}
	for _, r := range records {
		if unseen := time.Since(r.SeenAt); unseen > lease {
			logger.Info("forgetting a datasource Grafana has not used within the lease (deleted?)", "datasource", r.UID,
				"lastSeen", r.SeenAt.UTC().Format(time.RFC3339), "lease", lease.String())
			if err := forgetRecord(dir, r.UID); err != nil {
				logger.Error(err.Error())
			}
			continue
		}
		if err := bringUp(r, lease); err != nil {
			logger.Error("ingest listener not brought up at plugin start", "datasource", r.UID, "error", err)
		}
	}
}

// bringUp opens a remembered datasource's store and listener, unless
// Grafana already created its instance.
func bringUp(r *remembered, lease time.Duration) error {
	unlock := lockDatasource(r.UID)
	defer unlock()
	keeper.mu.Lock()
	busy := keeper.live[r.UID] > 0 || keeper.standby[r.UID] != nil
	keeper.mu.Unlock()
	if busy {
		return nil
	}
	metrics := server.DefaultMetrics()
	// The same hooks as a datasource's (WAL fsyncs, blocks scanned, partial
	// answers): whichever opens the shared engine first sets them.
	store, err := acquireEngine(r.DataDir, metrics.EngineOptions(engine.Options{}))
	if err != nil {
		return fmt.Errorf("open the store in %s: %w", r.DataDir, err)
	}
	logger := log.DefaultLogger.With("datasource", r.UID)
	var h http.Handler = ingestHandler(store.eng, "", logger)
	if r.Token != nil {
		if h, err = newHashAuthHandler(r.Token, func(token string) http.Handler { return ingestHandler(store.eng, token, logger) }); err != nil {
			return errorsJoinRelease(err, store)
		}
	}
	listener, err := acquireListener(r.UID, r.IngestListen, r.Token != nil, h)
	if err != nil {
		return errorsJoinRelease(err, store)
	}
	hold := &standbyHold{store: store, listener: listener}
	keeper.mu.Lock()
	keeper.standby[r.UID] = hold
	keeper.records[r.UID] = r
	hold.expiry = time.AfterFunc(time.Until(r.SeenAt.Add(lease)), func() { expireStandby(r.UID, hold, lease) })
	keeper.mu.Unlock()
	logger.Info("ingest listener up at plugin start, before Grafana's first use of the datasource", "address", listener.l.Addr)
	return nil
}

func errorsJoinRelease(err error, store *sharedEngine) error {
	if cerr := store.release(); cerr != nil {
		return fmt.Errorf("%w (closing the store: %v)", err, cerr)
	}
	return err
}

// adoptDatasource is called by NewDatasource, with the uid locked, once the
// new instance holds its own store and listener: a standby of the same
// datasource lets go of its references (the listener's socket stays open,
// now with the instance's handler), and the record follows the settings
// Grafana sent.
func adoptDatasource(ds *Datasource) {
	keeper.mu.Lock()
	keeper.live[ds.uid]++
	hold := keeper.standby[ds.uid]
	delete(keeper.standby, ds.uid)
	keeper.mu.Unlock()
	if hold != nil {
		hold.release()
	}
	ds.rememberErr = rememberDatasource(ds)
}

// rememberDatasource writes or removes the datasource's record to match
// the instance: remembered when it runs a listener on a fixed port.
func rememberDatasource(ds *Datasource) error {
	dir := rememberDir()
	if ds.listener == nil || !rememberable(ds.uid, ds.settings.IngestListen) {
		keeper.mu.Lock()
		delete(keeper.records, ds.uid)
		keeper.mu.Unlock()
		return forgetRecord(dir, ds.uid)
	}
	r := &remembered{UID: ds.uid, DataDir: ds.settings.DataDir, IngestListen: ds.settings.IngestListen, SeenAt: time.Now().UTC()}
	if ds.settings.IngestToken != "" {
		h, err := hashToken(ds.settings.IngestToken)
		if err != nil {
			return err
		}
		r.Token = h
	}
	keeper.mu.Lock()
	keeper.records[ds.uid] = r
	keeper.mu.Unlock()
	return saveRecord(dir, r)
}

// retireDatasource is called by Dispose, with the uid locked, before the
// instance releases its references. When no other instance of the
// datasource is alive (Grafana evicted it rather than replaced it), the
// store and listener stay up in standby, with the instance's handler.
func retireDatasource(ds *Datasource) {
	lease, _ := standbyLease()
	keeper.mu.Lock()
	keeper.live[ds.uid]--
	last := keeper.live[ds.uid] <= 0
	if last {
		delete(keeper.live, ds.uid)
	}
	r := keeper.records[ds.uid]
	keep := last && r != nil && ds.local != nil && ds.listener != nil && ds.listener.retain()
	if keep {
		ds.local.retain()
		hold := &standbyHold{store: ds.local, listener: ds.listener}
		keeper.standby[ds.uid] = hold
		hold.expiry = time.AfterFunc(lease, func() { expireStandby(ds.uid, hold, lease) })
		r.SeenAt = time.Now().UTC()
	}
	keeper.mu.Unlock()
	if keep {
		if err := saveRecord(rememberDir(), r); err != nil {
			ds.logger.Error("remember datasource", "error", err)
		}
		ds.logger.Info("instance disposed without a replacement; the ingest listener stays up", "address", ds.listener.l.Addr)
	}
}

// expireStandby stops a datasource Grafana has not used within the lease.
func expireStandby(uid string, hold *standbyHold, lease time.Duration) {
	unlock := lockDatasource(uid)
	defer unlock()
	keeper.mu.Lock()
	current := keeper.standby[uid] == hold
	if current {
		delete(keeper.standby, uid)
		delete(keeper.records, uid)
	}
	keeper.mu.Unlock()
	if !current {
		return
	}
	log.DefaultLogger.Info("stopping the ingest listener of a datasource Grafana has not used within the lease (deleted?)",
		"datasource", uid, "address", hold.listener.l.Addr, "lease", lease.String())
	hold.release()
	if err := forgetRecord(rememberDir(), uid); err != nil {
		log.DefaultLogger.Error(err.Error())
	}
}

// yieldPort stops standby datasources other than uid whose listener uses
// addr's port, so a datasource Grafana uses gets the port a deleted one
// held. It reports whether any did.
func yieldPort(uid, addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	keeper.mu.Lock()
	var yielded []*standbyHold
	var uids []string
	for other, hold := range keeper.standby {
		if other == uid {
			continue
		}
		if _, p, err := net.SplitHostPort(hold.listener.l.Addr); err == nil && p == port {
			yielded = append(yielded, hold)
			uids = append(uids, other)
			delete(keeper.standby, other)
			delete(keeper.records, other)
		}
	}
	keeper.mu.Unlock()
	for i, hold := range yielded {
		log.DefaultLogger.Warn("a standby datasource gives its ingest port to a datasource Grafana uses; it was probably deleted in Grafana and is forgotten",
			"datasource", uids[i], "address", hold.listener.l.Addr, "takenBy", uid)
		hold.release()
		if err := forgetRecord(rememberDir(), uids[i]); err != nil {
			log.DefaultLogger.Error(err.Error())
		}
	}
	return len(yielded) > 0
}

// refreshSeen stamps the records of datasources with a live instance.
func refreshSeen() {
	keeper.mu.Lock()
	var uids []string
	for uid := range keeper.live {
		uids = append(uids, uid)
	}
	keeper.mu.Unlock()
	for _, uid := range uids {
		unlock := lockDatasource(uid)
		keeper.mu.Lock()
		r := keeper.records[uid]
		if r != nil && keeper.live[uid] > 0 {
			r.SeenAt = time.Now().UTC()
		} else {
			r = nil
		}
		keeper.mu.Unlock()
		if r != nil {
			if err := saveRecord(rememberDir(), r); err != nil {
				log.DefaultLogger.Error(err.Error())
			}
		}
		unlock()
	}
}
