package quickwitfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// nativeSearch is GET|POST /api/v1/{index}/search. sort_by follows
// Quickwit's REST parser: `-field` is ascending, `field` and `+field` are
// descending; up to two fields. Unknown parameters are a 400.
func (s *Server) nativeSearch(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		var body map[string]any
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "the search body must be a JSON object: "+err.Error())
			return
		}
		params = url.Values{}
		for k, v := range body {
			if k == "aggs" {
				raw, _ := json.Marshal(v)
				params.Set(k, string(raw))
				continue
			}
			params.Set(k, strings.Trim(fmt.Sprint(v), "[]"))
		}
	}
	allowed := map[string]bool{"query": true, "start_timestamp": true, "end_timestamp": true, "max_hits": true, "start_offset": true,
		"sort_by": true, "sort_by_field": true, "search_field": true, "snippet_fields": true, "format": true, "aggs": true}
	for k := range params {
		if !allowed[k] {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown field `%s`", k))
			return
		}
	}
	res, err := s.runNative(r.PathValue("index"), params)
	if err != nil {
		writeError(w, status(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) runNative(indexID string, p url.Values) (map[string]any, error) {
	started := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.idx[indexID]
	if !ok {
		return nil, fmt.Errorf("index `%s` not found", indexID)
	}
	if !p.Has("query") {
		return nil, bad("missing field `query`")
	}
	n, err := query.Parse(p.Get("query"))
	if err != nil {
		return nil, bad("failed to parse query `%s`: %v", p.Get("query"), err)
	}
	defaults := ix.cfg.SearchSettings.DefaultSearchFields
	if sf := p.Get("search_field"); sf != "" {
		defaults = strings.Split(sf, ",")
	}
	match, err := s.compileNode(ix, n, defaults)
	if err != nil {
		return nil, err
	}
	intParam := func(name string, def int64) (int64, error) {
		if !p.Has(name) {
			return def, nil
		}
		v, err := strconv.ParseInt(p.Get(name), 10, 64)
		if err != nil {
			return 0, bad("`%s` must be an integer (seconds for timestamps)", name)
		}
		return v, nil
	}
	start, err1 := intParam("start_timestamp", -1<<62)
	end, err2 := intParam("end_timestamp", 1<<62)
	maxHits, err3 := intParam("max_hits", 20)
	offset, err4 := intParam("start_offset", 0)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return nil, err
		}
	}
	docs, _ := s.visible(ix)
	var hits []*doc
	for _, d := range docs {
		secs := d.ts / int64(time.Second)
		if secs >= start && secs < end && match(d) {
			hits = append(hits, d)
		}
	}
	keys, err := nativeSort(ix, p.Get("sort_by"))
	if err != nil {
		return nil, err
	}
	sort.SliceStable(hits, func(i, j int) bool { return compareDocs(keys, hits[i], hits[j]) < 0 })
	page := hits[min(int(offset), len(hits)):min(int(offset+maxHits), len(hits))]
	sources := make([]json.RawMessage, len(page))
	for i, d := range page {
		sources[i] = d.source
	}
	out := map[string]any{"num_hits": len(hits), "hits": sources, "elapsed_time_micros": time.Since(started).Microseconds(), "errors": []string{}}
	if aggs := p.Get("aggs"); aggs != "" {
		ev := &aggEval{s: s, ix: ix}
		res, err := ev.run(json.RawMessage(aggs), hits)
		if err != nil {
			return nil, err
		}
		out["aggregations"] = res
	}
	return out, nil
}

// nativeSort reads sort_by: "-f" ascending, "f" or "+f" descending.
func nativeSort(ix *index, spec string) ([]sortKey, error) {
	if spec == "" {
		return []sortKey{{doc: true}}, nil
	}
	parts := strings.Split(spec, ",")
	if len(parts) > 2 {
		return nil, bad("sort_by takes at most two fields, got %d", len(parts))
	}
	var keys []sortKey
	for _, part := range parts {
		k := sortKey{desc: true}
		switch {
		case strings.HasPrefix(part, "-"):
			k.desc, part = false, part[1:]
		case strings.HasPrefix(part, "+"):
			part = part[1:]
		}
		k.field = part
		if f, ok := ix.fieldOf(part); !ok || !f.fast {
			return nil, bad("sort by field `%s`: it must be a fast field", part)
		}
		k.ts = part == ix.cfg.DocMapping.TimestampField
		keys = append(keys, k)
	}
	return keys, nil
}

// fieldCaps lists mapped fields and the dynamic ones documents hold.
func (s *Server) fieldCaps(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r, "fields", "allow_no_indices", "expand_wildcards", "ignore_unavailable", "start_timestamp", "end_timestamp"); err != nil {
		writeESError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.idx[r.PathValue("index")]
	if !ok {
		writeESError(w, http.StatusNotFound, fmt.Sprintf("index `%s` not found", r.PathValue("index")))
		return
	}
	fields := map[string]any{}
	add := func(name, esType string, aggregatable bool) {
		fields[name] = map[string]any{esType: map[string]any{"type": esType, "metadata_field": false, "searchable": true, "aggregatable": aggregatable}}
	}
	for _, f := range ix.fields {
		add(f.name, esTypeOf(f), f.fast)
	}
	if ix.cfg.DocMapping.Mode == "dynamic" {
		for _, d := range ix.docs {
			for name, vals := range d.values {
				if _, mapped := ix.fields[name]; mapped || len(vals) == 0 || fields[name] != nil {
					continue
				}
				switch vals[0].(type) {
				case float64:
					add(name, "double", true)
				case bool:
					add(name, "boolean", true)
				default:
					add(name, "keyword", true)
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"indices": []string{ix.cfg.IndexID}, "fields": fields})
}

func esTypeOf(f field) string {
	switch f.typ {
	case "text":
		if f.raw {
			return "keyword"
		}
		return "text"
	case "i64":
		return "long"
	case "u64":
		return "unsigned_long"
	case "f64":
		return "double"
	case "bool":
		return "boolean"
	case "datetime":
		return "date_nanos"
	case "ip":
		return "ip"
	}
	return "object"
}
