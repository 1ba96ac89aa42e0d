// Package quickwit answers Triage's query model from a Quickwit cluster
// (0.8 or 0.9), written from Quickwit's documentation: hits and
// aggregations through the Elasticsearch-compatible `_search` with
// search_after on (timestamp, _shard_doc), the index mapping from
// /api/v1/indexes, fields and values from `_field_caps` and terms, queries
// printed by pkg/backend/qwquery, and live tail by polling behind the
// index's commit delay.
package quickwit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/qwquery"
	"github.com/triage-logs/triage/pkg/backend/transport"
)

// mappingTTL is how long an index's mapping is reused before it is read
// again (a mapping can change: new fields, a new commit timeout).
const mappingTTL = time.Minute

// fallbackVersion is assumed when the cluster does not say its version:
// the older, more restrictive line.
var fallbackVersion = qwquery.Version{Major: 0, Minor: 8}

// Backend is a Quickwit cluster seen through its REST and
// Elasticsearch-compatible APIs.
type Backend struct {
	c *transport.Client

	mu      sync.Mutex
	version *qwquery.Version
	// versionText is what the cluster said; versionAt when it was asked.
	versionText string
	versionAt   time.Time
	mappings    map[string]*indexMapping
}

var _ backend.Backend = (*Backend)(nil)

// New connects to the Quickwit searcher at s.URL; s must be validated.
func New(s backend.Settings) (*Backend, error) {
	c, err := transport.New(backend.KindQuickwit, s)
	if err != nil {
		return nil, err
	}
	return &Backend{c: c, mappings: map[string]*indexMapping{}}, nil
}

// Name returns backend.KindQuickwit.
func (b *Backend) Name() string { return backend.KindQuickwit }

// versionInfo is GET /api/v1/version: build.version is the tag ("v0.8.2"),
// build.cargo_pkg_version the crate version ("0.8.2").
type versionInfo struct {
	Build struct {
		Version         string `json:"version"`
		CargoPkgVersion string `json:"cargo_pkg_version"`
	} `json:"build"`
}

// Version asks the cluster for its version, once per mappingTTL; a cluster
// that does not say (or answers something else) is treated as 0.8.
func (b *Backend) Version(ctx context.Context) (qwquery.Version, string, error) {
	b.mu.Lock()
	if b.version != nil && time.Since(b.versionAt) < mappingTTL {
		v, text := *b.version, b.versionText
		b.mu.Unlock()
		return v, text, nil
	}
	b.mu.Unlock()
	v, text := fallbackVersion, ""
	res, err := b.c.Do(ctx, transport.Request{Path: "/api/v1/version"})
	if err == nil {
		var info versionInfo
		_ = json.Unmarshal(res.Body, &info)
		if text = info.Build.CargoPkgVersion; text == "" {
			text = info.Build.Version
		}
		if parsed, ok := parseVersion(text); ok {
			v = parsed
		}
	}
	b.mu.Lock()
	b.version, b.versionText, b.versionAt = &v, text, time.Now()
	b.mu.Unlock()
	return v, text, err
}

// parseVersion reads "0.8.2", "v0.9.1" or "0.9.0-nightly".
func parseVersion(s string) (qwquery.Version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return qwquery.Version{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return qwquery.Version{}, false
	}
	return qwquery.Version{Major: major, Minor: minor}, true
}

// Health reads the version and lists the indexes: both must answer.
func (b *Backend) Health(ctx context.Context) backend.Health {
	started := time.Now()
	h := backend.Health{Backend: backend.KindQuickwit, URL: b.c.URL()}
	_, text, verr := b.Version(ctx)
	h.Version = text
	ids, err := b.Indexes(ctx)
	h.Latency = time.Since(started)
	if err != nil {
		h.Message = fmt.Sprintf("Quickwit at %s is not reachable: %v", b.c.URL(), err)
		return h
	}
	h.Reachable = true
	version := text
	if version == "" {
		version = fmt.Sprintf("of unknown version (treated as %s", fallbackVersion)
		if verr != nil {
			version += ": " + verr.Error()
		}
		version += ")"
	}
	h.Message = fmt.Sprintf("Quickwit %s at %s answers, %d indexes", version, b.c.URL(), len(ids))
	return h
}
