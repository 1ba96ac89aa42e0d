package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// tailRegistryFile holds a data directory's live tails, so a restarted
// plugin still knows what the channels Grafana resubscribes to stand for.
const tailRegistryFile = "live-tails.json"

// maxTails bounds the registry: the least recently used tails beyond it are
// forgotten (a browser still subscribed to one gets "not found" and runs
// its query again).
const maxTails = 256

// tailIDLength is the hex length of a tail id: 64 bits, short enough that
// every channel stays far below Grafana Live's 255 characters.
const tailIDLength = 16

// tailSpec is what a live-tail channel stands for: the query as its first
// frame answered it.
type tailSpec struct {
	Datasource string `json:"datasource"`
	Index      string `json:"index"`
	// Query is the query text with macros expanded.
	Query string `json:"query"`
	RefID string `json:"refId"`
	Limit int    `json:"limit"`
	// FromNs is the start of the query's range, where a catch-up without
	// Since begins.
	FromNs int64 `json:"fromNs"`
	// Since is the position ("<ns>:<seq>") of the newest row of the first
	// frame; the stream sends only rows beyond it, so none is sent twice.
	Since string `json:"since,omitempty"`
}

// id derives the tail's short id from everything that defines it, so the
// same query over the same rows reuses its channel.
func (s tailSpec) id() string {
	raw, _ := json.Marshal(s)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:tailIDLength]
}

// tailEntry is one registered tail and how far its stream got.
type tailEntry struct {
	Spec tailSpec `json:"spec"`
	// Sent is the position of the newest row the stream has sent; a
	// restarted stream continues beyond it.
	Sent string `json:"sent,omitempty"`
	// Used is when the tail was last opened or streamed (Unix ms).
	Used int64 `json:"used"`
}

// position is where the stream continues: beyond what it sent, else beyond
// the first frame.
func (e tailEntry) position() string {
	if e.Sent != "" {
		return e.Sent
	}
	return e.Spec.Since
}

// tailRegistry maps tail ids to their entries, kept in a small file of the
// data directory. Datasources sharing a directory share its registry.
type tailRegistry struct {
	mu      sync.Mutex
	path    string
	entries map[string]tailEntry
	loadErr error
}

var tailRegistries = struct {
	mu  sync.Mutex
	dir map[string]*tailRegistry
}{dir: map[string]*tailRegistry{}}

// registryFor returns the registry of dir, loading it on first use. A file
// that cannot be read is reported by every lookup and replaced on the next
// write, so live tail keeps working for new queries.
func registryFor(dir string) *tailRegistry {
	dir = filepath.Clean(dir)
	tailRegistries.mu.Lock()
	defer tailRegistries.mu.Unlock()
	if r := tailRegistries.dir[dir]; r != nil {
		return r
	}
	r := &tailRegistry{path: filepath.Join(dir, tailRegistryFile), entries: map[string]tailEntry{}}
	raw, err := os.ReadFile(r.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		r.loadErr = fmt.Errorf("read live tails %s: %w", r.path, err)
	default:
		if err := json.Unmarshal(raw, &r.entries); err != nil {
			r.loadErr = fmt.Errorf("live tails %s is damaged (%v); running tails must be restarted by running their queries again", r.path, err)
			r.entries = map[string]tailEntry{}
		}
	}
	tailRegistries.dir[dir] = r
	return r
}

// open registers spec and returns its id.
func (r *tailRegistry) open(spec tailSpec, now time.Time) (string, error) {
	id := spec.id()
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok {
		e = tailEntry{Spec: spec}
	}
	e.Used = now.UnixMilli()
	r.entries[id] = e
	r.evict()
	return id, r.save()
}

// get returns the entry of id.
func (r *tailRegistry) get(id string) (tailEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok {
		if r.loadErr != nil {
			return tailEntry{}, fmt.Errorf("no live tail %q: %w", id, r.loadErr)
		}
		return tailEntry{}, fmt.Errorf("no live tail %q (forgotten after %d newer tails, or never opened here); run the query again", id, maxTails)
	}
	return e, nil
}

// advance records that the stream of id is about to send rows up to sent.
// It is saved before the rows go out: a plugin killed in between skips
// them on restart rather than sending them twice.
func (r *tailRegistry) advance(id, sent string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok {
		return nil // evicted while streaming; the stream goes on from memory
	}
	e.Sent, e.Used = sent, now.UnixMilli()
	r.entries[id] = e
	return r.save()
}

// evict forgets the least recently used entries beyond maxTails.
func (r *tailRegistry) evict() {
	if len(r.entries) <= maxTails {
		return
	}
	ids := make([]string, 0, len(r.entries))
	for id := range r.entries {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return r.entries[ids[i]].Used < r.entries[ids[j]].Used })
	for _, id := range ids[:len(ids)-maxTails] {
		delete(r.entries, id)
	}
}

// memoryRegistryFor returns the registry of a datasource without a data
// directory (a remote backend): its tails live as long as the plugin
// process; after a restart Grafana's resubscription gets "not found" and
// the panel runs its query again.
func memoryRegistryFor(uid string) *tailRegistry {
	key := "memory:" + uid
	tailRegistries.mu.Lock()
	defer tailRegistries.mu.Unlock()
	if r := tailRegistries.dir[key]; r != nil {
		return r
	}
	r := &tailRegistry{entries: map[string]tailEntry{}}
	tailRegistries.dir[key] = r
	return r
}

// save writes the registry through a temporary file and a rename, so a
// crash leaves the old or the new file, never half of one. A registry
// without a file keeps its entries in memory only.
func (r *tailRegistry) save() error {
	if r.path == "" {
		return nil
	}
	raw, err := json.Marshal(r.entries)
	if err != nil {
		return fmt.Errorf("encode live tails: %w", err)
	}
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("write live tails %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, r.path); err != nil {
		return fmt.Errorf("replace live tails %s: %w", r.path, err)
	}
	r.loadErr = nil
	return nil
}
