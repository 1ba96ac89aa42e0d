package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/triage-logs/triage/pkg/engine"
)

// esFieldType is the Elasticsearch type Triage reports for a field, so
// that Grafana's Elasticsearch datasource and the Quickwit datasource
// offer it where it fits: dates for time, keywords and numbers for terms
// and metrics, text for full-text search.
func esFieldType(f engine.FieldInfo) string {
	typ := strings.TrimSuffix(strings.TrimPrefix(f.Type, "array<"), ">")
	switch typ {
	case engine.TypeText:
		if f.Aggregatable {
			return "keyword"
		}
		return "text"
	case "string":
		return "keyword"
	case engine.TypeI64:
		return "long"
	case engine.TypeU64:
		return "unsigned_long"
	case engine.TypeF64:
		return "double"
	case engine.TypeBool:
		return "boolean"
	case engine.TypeDatetime:
		return "date"
	case engine.TypeIP:
		return "ip"
	case engine.TypeJSON:
		return "object"
	}
	return "keyword"
}

type fieldCapsEntry struct {
	Type         string   `json:"type"`
	Searchable   bool     `json:"searchable"`
	Aggregatable bool     `json:"aggregatable"`
	Metadata     bool     `json:"metadata_field"`
	Indices      []string `json:"indices,omitempty"`
}

// fieldCaps serves _field_caps: each field matching ?fields= (comma list,
// '*' wildcards) with its type per index.
func (a elasticAPI) fieldCaps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for name := range q {
		switch name {
		case "fields", "ignore_unavailable", "allow_no_indices", "expand_wildcards", "include_unmapped", "pretty", "human", "error_trace", "filters", "types":
		default:
			writeElasticError(w, badRequest("request contains unrecognized parameter: [%s]", name))
			return
		}
	}
	patterns := splitList(q.Get("fields"))
	if len(patterns) == 0 {
		patterns = []string{"*"}
	}
	indexes, err := resolveIndexes(a.eng, r.PathValue("index"), boolParam(q, "ignore_unavailable"))
	if err != nil {
		writeElasticError(w, err)
		return
	}
	// field -> type -> indexes
	types := map[string]map[string]*fieldCapsEntry{}
	names := []string{}
	for _, ix := range indexes {
		fields, err := a.eng.Fields(ix.id)
		if err != nil {
			continue
		}
		fields = append(fields, engine.FieldInfo{Name: ix.schema.timestampField, Type: engine.TypeDatetime, Aggregatable: true})
		for _, f := range fields {
			if f.Name == engine.IDField {
				continue // a metadata field in Elasticsearch, not a mapped one
			}
			if !slices.ContainsFunc(patterns, func(p string) bool { return globMatch(p, f.Name) }) {
				continue
			}
			typ := esFieldType(f)
			if types[f.Name] == nil {
				types[f.Name] = map[string]*fieldCapsEntry{}
				names = append(names, f.Name)
			}
			e := types[f.Name][typ]
			if e == nil {
				e = &fieldCapsEntry{Type: typ, Searchable: true, Aggregatable: f.Aggregatable}
				types[f.Name][typ] = e
			}
			if !slices.Contains(e.Indices, ix.id) {
				e.Indices = append(e.Indices, ix.id)
			}
		}
	}
	out := map[string]any{}
	for _, name := range names {
		byType := map[string]any{}
		for typ, e := range types[name] {
			if len(types[name]) == 1 {
				e.Indices = nil // Elasticsearch lists indices only where types differ
			}
			byType[typ] = e
		}
		out[name] = byType
	}
	ids := make([]string, len(indexes))
	for i, ix := range indexes {
		ids[i] = ix.id
	}
	writeJSON(w, http.StatusOK, map[string]any{"indices": ids, "fields": out})
}

// mapping serves _mapping: each index's fields as Elasticsearch mapping
// properties, dotted names as nested objects.
func (a elasticAPI) mapping(w http.ResponseWriter, r *http.Request) {
	for name := range r.URL.Query() {
		switch name {
		case "ignore_unavailable", "allow_no_indices", "expand_wildcards", "pretty", "human", "error_trace", "local", "master_timeout":
		default:
			writeElasticError(w, badRequest("request contains unrecognized parameter: [%s]", name))
			return
		}
	}
	indexes, err := resolveIndexes(a.eng, r.PathValue("index"), boolParam(r.URL.Query(), "ignore_unavailable"))
	if err != nil {
		writeElasticError(w, err)
		return
	}
	out := map[string]any{}
	for _, ix := range indexes {
		fields, err := a.eng.Fields(ix.id)
		if err != nil {
			continue
		}
		fields = append(fields, engine.FieldInfo{Name: ix.schema.timestampField, Type: engine.TypeDatetime, Aggregatable: true})
		props := map[string]any{}
		for _, f := range fields {
			if f.Name == engine.IDField {
				continue
			}
			parts := strings.Split(f.Name, ".")
			m := props
			for _, p := range parts[:len(parts)-1] {
				obj, ok := m[p].(map[string]any)
				if !ok {
					obj = map[string]any{"properties": map[string]any{}}
					m[p] = obj
				}
				m = obj["properties"].(map[string]any)
			}
			if _, exists := m[parts[len(parts)-1]]; !exists {
				m[parts[len(parts)-1]] = map[string]any{"type": esFieldType(f)}
			}
		}
		out[ix.id] = map[string]any{"mappings": map[string]any{"properties": props}}
	}
	writeJSON(w, http.StatusOK, out)
}
