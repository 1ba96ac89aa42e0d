package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// maxIndexConfigBytes bounds an index config body; real configs are a few KiB.
const maxIndexConfigBytes = 1 << 20

// indexAPI serves Quickwit-style index management:
// GET/POST /api/v1/indexes, GET/PUT/DELETE /api/v1/indexes/{id}.
type indexAPI struct {
	eng *engine.Engine
}

func (a indexAPI) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/indexes", a.list)
	mux.HandleFunc("POST /api/v1/indexes", a.create)
	mux.HandleFunc("GET /api/v1/indexes/{id}", a.describe)
	mux.HandleFunc("PUT /api/v1/indexes/{id}", a.update)
	mux.HandleFunc("DELETE /api/v1/indexes/{id}", a.delete)
}

// indexDescription is one index as the API shows it: its config and stats.
type indexDescription struct {
	Config describedConfig   `json:"index_config"`
	Stats  engine.IndexStats `json:"stats"`
}

// describedConfig is an index config with Quickwit's indexing_settings,
// whose commit_timeout_secs tells clients how long an ingested event may
// take to become searchable: Quickwit clients (Triage's own remote
// backend) lag live tails by it, and would assume Quickwit's 60 s without.
type describedConfig struct {
	engine.IndexConfig
	IndexingSettings struct {
		CommitTimeoutSecs int `json:"commit_timeout_secs"`
	} `json:"indexing_settings"`
}

// describe shows cfg as Quickwit's index metadata does, with each datetime
// field's output_format spelled out (rfc3339 when the config leaves it
// out): the Quickwit datasource reads the timestamp field's output_format
// to parse hits and fails its health check without one.
func describe(cfg engine.IndexConfig, stats engine.IndexStats, commit time.Duration) indexDescription {
	fms := make([]engine.FieldMapping, len(cfg.DocMapping.FieldMappings))
	copy(fms, cfg.DocMapping.FieldMappings)
	for i, fm := range fms {
		typ := strings.TrimSuffix(strings.TrimPrefix(fm.Type, "array<"), ">")
		if typ == engine.TypeDatetime && fm.OutputFormat == "" {
			fms[i].OutputFormat = engine.FormatRFC3339
		}
	}
	cfg.DocMapping.FieldMappings = fms
	out := indexDescription{Config: describedConfig{IndexConfig: cfg}, Stats: stats}
	out.Config.IndexingSettings.CommitTimeoutSecs = int(math.Ceil(commit.Seconds()))
	return out
}

// list serves GET /api/v1/indexes, filtered by index_id_patterns (a
// comma-separated list of ids and '*' patterns) as Quickwit does.
func (a indexAPI) list(w http.ResponseWriter, r *http.Request) {
	ids := a.eng.ListIndexes()
	for name := range r.URL.Query() {
		if name != "index_id_patterns" {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: fmt.Sprintf("unknown parameter %q; the index list takes index_id_patterns", name)})
			return
		}
	}
	if patterns := r.URL.Query().Get("index_id_patterns"); patterns != "" {
		matched, _, err := matchIndexPatterns(ids, patterns)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
			return
		}
		ids = matched
	}
	out := []indexDescription{}
	for _, id := range ids {
		cfg, stats, err := a.eng.DescribeIndex(id)
		if err != nil {
			continue // deleted since ListIndexes
		}
		out = append(out, describe(cfg, stats, a.eng.CommitTimeout()))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a indexAPI) describe(w http.ResponseWriter, r *http.Request) {
	cfg, stats, err := a.eng.DescribeIndex(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, describe(cfg, stats, a.eng.CommitTimeout()))
}

func (a indexAPI) create(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxIndexConfigBytes+1))
	if err != nil {
		writeError(w, fmt.Errorf("read index config: %w", err))
		return
	}
	if len(body) > maxIndexConfigBytes {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Message: "index config is larger than 1 MiB"})
		return
	}
	cfg, err := engine.ParseIndexConfig(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: err.Error()})
		return
	}
	if err := a.eng.CreateIndex(cfg); err != nil {
		writeError(w, err)
		return
	}
	cfg, stats, err := a.eng.DescribeIndex(cfg.IndexID)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, describe(cfg, stats, a.eng.CommitTimeout()))
}

// update changes what an existing index allows to change: its retention.
func (a indexAPI) update(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Retention *engine.RetentionPolicy `json:"retention"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxIndexConfigBytes)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: "index update must be JSON like {\"retention\":{\"period\":\"7 days\"}}: " + err.Error()})
		return
	}
	if req.Retention == nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Message: "only the retention of an index can change; send {\"retention\":{\"period\":\"7 days\"}}"})
		return
	}
	id := r.PathValue("id")
	if err := a.eng.UpdateRetention(id, req.Retention.Period); err != nil {
		writeError(w, err)
		return
	}
	a.describe(w, r)
}

func (a indexAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.eng.DeleteIndex(id); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"deleted": id})
}

// errorBody is Quickwit's error shape.
type errorBody struct {
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError maps engine errors to statuses: unknown index 404, a config
// or request the engine refuses 400, anything else 500.
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, engine.ErrIndexNotFound):
		status = http.StatusNotFound
	case errors.Is(err, engine.ErrIndexExists):
		status = http.StatusConflict
	case errors.Is(err, engine.ErrInvalidConfig), errors.Is(err, engine.ErrInvalidRequest):
		status = http.StatusBadRequest
	}
	writeJSON(w, status, errorBody{Message: err.Error()})
}
