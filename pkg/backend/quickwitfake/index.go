package quickwitfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// indexConfig is the documented index config; unknown keys are refused.
type indexConfig struct {
	Version          string           `json:"version"`
	IndexID          string           `json:"index_id"`
	IndexURI         string           `json:"index_uri,omitempty"`
	DocMapping       docMapping       `json:"doc_mapping"`
	SearchSettings   searchSettings   `json:"search_settings"`
	IndexingSettings indexingSettings `json:"indexing_settings"`
	Retention        *struct {
		Period   string `json:"period"`
		Schedule string `json:"schedule,omitempty"`
	} `json:"retention,omitempty"`
}

type docMapping struct {
	Mode           string         `json:"mode,omitempty"`
	FieldMappings  []fieldMapping `json:"field_mappings"`
	TimestampField string         `json:"timestamp_field,omitempty"`
	TagFields      []string       `json:"tag_fields,omitempty"`
	StoreSource    *bool          `json:"store_source,omitempty"`
}

type fieldMapping struct {
	Name          string          `json:"name"`
	Type          string          `json:"type"`
	Description   string          `json:"description,omitempty"`
	Tokenizer     string          `json:"tokenizer,omitempty"`
	Record        string          `json:"record,omitempty"`
	Fast          json.RawMessage `json:"fast,omitempty"`
	Indexed       *bool           `json:"indexed,omitempty"`
	Stored        *bool           `json:"stored,omitempty"`
	InputFormats  []string        `json:"input_formats,omitempty"`
	OutputFormat  string          `json:"output_format,omitempty"`
	FastPrecision string          `json:"fast_precision,omitempty"`
	FieldMappings []fieldMapping  `json:"field_mappings,omitempty"`
}

type searchSettings struct {
	DefaultSearchFields []string `json:"default_search_fields"`
}

type indexingSettings struct {
	CommitTimeoutSecs int `json:"commit_timeout_secs"`
}

// field is a mapped field, flattened to its dotted name.
type field struct {
	name, typ string
	raw       bool // tokenizer raw (whole value)
	fast      bool
}

type index struct {
	cfg    indexConfig
	fields map[string]field
	docs   []doc
	splits int
}

// doc is one stored document.
type doc struct {
	source json.RawMessage
	values map[string][]any // flattened: strings, float64, bool
	ts     int64            // the timestamp fast value: Unix seconds, as ns
	split  int
	pos    int // ordinal inside its split
	// visibleAt is when the document's split commits.
	visibleAt time.Time
}

func (s *Server) createIndex(w http.ResponseWriter, r *http.Request) {
	var cfg indexConfig
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		writeError(w, http.StatusBadRequest, "failed to parse index config: "+err.Error())
		return
	}
	ix, err := s.newIndex(cfg)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.idx[cfg.IndexID]; ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("index `%s` already exists", cfg.IndexID))
		return
	}
	s.idx[cfg.IndexID] = ix
	writeJSON(w, http.StatusOK, s.metadata(ix))
}

func (s *Server) newIndex(cfg indexConfig) (*index, error) {
	if cfg.IndexID == "" {
		return nil, fmt.Errorf("index_id is required")
	}
	if cfg.DocMapping.Mode == "" {
		cfg.DocMapping.Mode = "dynamic"
	}
	if cfg.IndexingSettings.CommitTimeoutSecs == 0 {
		cfg.IndexingSettings.CommitTimeoutSecs = 60
	}
	ix := &index{cfg: cfg, fields: map[string]field{}}
	var add func(prefix string, fms []fieldMapping) error
	add = func(prefix string, fms []fieldMapping) error {
		for _, f := range fms {
			name := prefix + f.Name
			switch f.Type {
			case "object":
				if err := add(name+".", f.FieldMappings); err != nil {
					return err
				}
				continue
			case "text", "i64", "u64", "f64", "bool", "datetime", "ip", "json":
			default:
				return fmt.Errorf("field `%s`: unknown type `%s`", name, f.Type)
			}
			fast := false
			_ = json.Unmarshal(f.Fast, &fast)
			if len(f.Fast) > 0 && f.Fast[0] == '{' {
				fast = true
			}
			ix.fields[name] = field{name: name, typ: f.Type, raw: f.Tokenizer == "raw", fast: fast}
		}
		return nil
	}
	if err := add("", cfg.DocMapping.FieldMappings); err != nil {
		return nil, err
	}
	if ts := cfg.DocMapping.TimestampField; ts != "" {
		if f, ok := ix.fields[ts]; !ok || f.typ != "datetime" || !f.fast {
			return nil, fmt.Errorf("timestamp field `%s` must be a fast datetime field", ts)
		}
	}
	return ix, nil
}

// fieldOf types a field; dynamic fields are raw text, fast (Quickwit's
// default dynamic mapping), numbers and booleans as found.
func (ix *index) fieldOf(name string) (field, bool) {
	if f, ok := ix.fields[name]; ok {
		return f, true
	}
	if ix.cfg.DocMapping.Mode != "dynamic" {
		return field{}, false
	}
	return field{name: name, typ: "dynamic", raw: true, fast: true}, true
}

func (s *Server) metadata(ix *index) map[string]any {
	return map[string]any{
		"version": s.opts.Version, "index_uid": ix.cfg.IndexID + ":01HFAKE",
		"index_config": ix.cfg, "checkpoint": map[string]any{}, "create_timestamp": 0, "sources": []any{},
	}
}

func (s *Server) listIndexes(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, ix := range s.idx {
		out = append(out, s.metadata(ix))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) describeIndex(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.idx[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("index `%s` not found", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.metadata(ix))
}

// ingest stores NDJSON documents as one split. commit=auto makes them
// searchable after commit_timeout_secs; wait_for and force at once.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r, "commit", "detailed_response"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20+1))
	if err != nil || len(body) > 10<<20 {
		writeError(w, http.StatusRequestEntityTooLarge, "the payload is larger than 10MB")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.idx[r.PathValue("index")]
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("index `%s` not found", r.PathValue("index")))
		return
	}
	now := s.opts.Now()
	visible := now.Add(time.Duration(ix.cfg.IndexingSettings.CommitTimeoutSecs) * time.Second)
	switch c := r.URL.Query().Get("commit"); c {
	case "", "auto":
	case "wait_for", "force":
		visible = now
	default:
		writeError(w, http.StatusBadRequest, "unknown commit mode `"+c+"`, expected auto, wait_for or force")
		return
	}
	ix.splits++
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), len(body)+1)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		d, err := ix.parseDoc(line)
		if err != nil {
			continue // Quickwit drops a document it cannot parse, and logs it
		}
		d.split, d.pos, d.visibleAt = ix.splits, n, visible
		ix.docs = append(ix.docs, d)
		n++
	}
	writeJSON(w, http.StatusOK, map[string]any{"num_docs_for_processing": n})
}

func (ix *index) parseDoc(line []byte) (doc, error) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return doc{}, err
	}
	d := doc{source: append(json.RawMessage(nil), line...), values: map[string][]any{}}
	flatten("", obj, d.values)
	if ts := ix.cfg.DocMapping.TimestampField; ts != "" {
		vals := d.values[ts]
		if len(vals) != 1 {
			return doc{}, fmt.Errorf("the timestamp field `%s` is missing", ts)
		}
		t, err := parseTimestamp(vals[0])
		if err != nil {
			return doc{}, err
		}
		// fast_precision defaults to seconds: the fast value is truncated.
		d.ts = t.Truncate(time.Second).UnixNano()
	}
	return d, nil
}

func flatten(prefix string, obj map[string]any, out map[string][]any) {
	for k, v := range obj {
		name := prefix + k
		switch x := v.(type) {
		case map[string]any:
			flatten(name+".", x, out)
		case []any:
			for _, e := range x {
				out[name] = append(out[name], scalar(e))
			}
		case nil:
		default:
			out[name] = append(out[name], scalar(x))
		}
	}
}

func scalar(v any) any {
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return v
}

// parseTimestamp reads rfc3339 or unix_timestamp (seconds).
func parseTimestamp(v any) (time.Time, error) {
	switch x := v.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(x)); err == nil {
			return t, nil
		}
		if secs, err := strconv.ParseFloat(x, 64); err == nil {
			return time.Unix(0, int64(secs*1e9)), nil
		}
	case float64:
		return time.Unix(0, int64(x*1e9)), nil
	}
	return time.Time{}, fmt.Errorf("failed to parse datetime `%v`", v)
}
