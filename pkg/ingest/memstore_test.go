package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"

	"github.com/triage-logs/triage/pkg/engine"
)

// memStore is an in-memory Store that records every call and honours the
// engine's document-id contract (engine.IngestOptions.IDs and IDMode).
// Documents containing "reject-me" are rejected the way the engine rejects
// a document that does not fit the mapping.
type memStore struct {
	mu      sync.Mutex
	indexes map[string][][]byte
	ids     map[string]map[string]bool
	calls   []storeCall
	err     error
	// failIndex makes Ingest into the named indexes fail with the error,
	// having stored nothing, as the engine does when its buffer is full.
	failIndex map[string]error
}

type storeCall struct {
	index string
	docs  int
	opts  engine.IngestOptions
}

func newMemStore(indexes ...string) *memStore {
	s := &memStore{indexes: map[string][][]byte{}, ids: map[string]map[string]bool{}, failIndex: map[string]error{}}
	for _, ix := range indexes {
		s.indexes[ix] = nil
		s.ids[ix] = map[string]bool{}
	}
	return s
}

func (s *memStore) Ingest(_ context.Context, index string, docs [][]byte, opts engine.IngestOptions) (engine.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, storeCall{index: index, docs: len(docs), opts: opts})
	if s.err != nil {
		return engine.IngestResult{}, s.err
	}
	if err := s.failIndex[index]; err != nil {
		return engine.IngestResult{}, err
	}
	if _, ok := s.indexes[index]; !ok {
		return engine.IngestResult{}, engine.ErrIndexNotFound
	}
	var res engine.IngestResult
	for i, d := range docs {
		if !json.Valid(d) {
			// The engine parses every document in full (ParseNDJSON does not).
			res.Rejected = append(res.Rejected, engine.DocError{Position: i, Kind: engine.DocInvalid, Reason: "invalid JSON at byte 0: malformed"})
			continue
		}
		if bytes.Contains(d, []byte("reject-me")) {
			res.Rejected = append(res.Rejected, engine.DocError{Position: i, Reason: "field severity: expected text, got a number"})
			continue
		}
		id := ""
		if i < len(opts.IDs) {
			id = opts.IDs[i]
		}
		if id != "" && s.ids[index][id] {
			if opts.IDMode == engine.IDCreate {
				res.Rejected = append(res.Rejected, engine.DocError{Position: i, Kind: engine.DocConflict, Reason: "document id already stored"})
			} else {
				res.Existing = append(res.Existing, i)
			}
			continue
		}
		if id != "" {
			s.ids[index][id] = true
		}
		s.indexes[index] = append(s.indexes[index], bytes.Clone(d))
		res.Accepted++
	}
	return res, nil
}

func (s *memStore) docs(index string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, d := range s.indexes[index] {
		out = append(out, string(d))
	}
	return out
}
