package server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// maxResultWindow is Elasticsearch's index.max_result_window: from + size
// may not exceed it (page further with search_after).
const maxResultWindow = 10_000

// esSearchRequest is one search of the _elastic API, parsed and checked
// before anything runs.
type esSearchRequest struct {
	query       json.RawMessage
	size, from  int
	sort        []esSortKey
	searchAfter []json.RawMessage
	// track: count every hit (trackLimit < 0), none (trackLimit 0) or up to
	// trackLimit, as track_total_hits says.
	trackLimit int
	aggs       []*aggSpec
	source     sourceFilter
	fields     []fieldRequest
}

// esSortKey is one sort criterion: the timestamp field, "_doc" /
// "_shard_doc" (our tie-breaker) or "_score" (no scores: null).
type esSortKey struct {
	field  string
	desc   bool
	format string
}

// sourceFilter is the request's _source: whether to return it and which
// fields (with * wildcards) to keep.
type sourceFilter struct {
	off      bool
	includes []string
}

// fieldRequest is one entry of "fields" / "docvalue_fields".
type fieldRequest struct {
	field  string
	format string
}

// searchURLParams are the _search and _msearch query-string parameters
// Triage reads or knowingly ignores (they tune shards, caches and
// presentation); any other is a 400.
var searchURLParams = map[string]bool{
	"size": true, "from": true, "track_total_hits": true, "rest_total_hits_as_int": true, "ignore_unavailable": true,
	"allow_no_indices": true, "q": true, "typed_keys": true, "search_type": true, "preference": true, "request_cache": true,
	"max_concurrent_shard_requests": true, "batched_reduce_size": true, "ccs_minimize_roundtrips": true,
	"pre_filter_shard_size": true, "pretty": true, "human": true, "error_trace": true, "allow_partial_search_results": true,
	"timeout": true, "expand_wildcards": true, "routing": true, "max_concurrent_searches": true, "default_operator": true,
	"df": true, "sort": true, "ignore_throttled": true,
}

// checkURLParams refuses parameters Triage does not know, and the ones it
// knows but cannot honour.
func checkURLParams(q url.Values) error {
	for name := range q {
		if !searchURLParams[name] {
			return badRequest("request contains unrecognized parameter: [%s]", name)
		}
	}
	if v := q.Get("typed_keys"); v == "true" || (q.Has("typed_keys") && v == "") {
		return illegalArgument("typed_keys is not supported: aggregation names are returned as given")
	}
	if q.Get("sort") != "" {
		return illegalArgument("sort in the URL is not supported; put it in the request body")
	}
	return nil
}

// parseSearchBody reads a search body (nil: match all, 10 hits) with the
// URL's size, from, q and track_total_hits, which override it.
func parseSearchBody(body []byte, q url.Values, tsFieldHint string) (*esSearchRequest, error) {
	req := &esSearchRequest{size: 10, trackLimit: maxResultWindow}
	body = bytes.TrimSpace(body)
	if len(body) > 0 {
		o, err := objectAt(body, "search")
		if err != nil {
			return nil, err
		}
		if err := req.readBody(o); err != nil {
			return nil, err
		}
	}
	if err := req.readURL(q); err != nil {
		return nil, err
	}
	if req.size < 0 || req.from < 0 || req.from+req.size > maxResultWindow {
		return nil, illegalArgument("Result window is too large, from + size must be less than or equal to: [%d] but was [%d]; page with search_after",
			maxResultWindow, req.from+req.size)
	}
	if len(req.searchAfter) > 0 {
		if len(req.sort) == 0 {
			return nil, illegalArgument("search_after needs a sort, e.g. [{\"%s\":\"desc\"},{\"_doc\":\"desc\"}]", tsFieldHint)
		}
		if len(req.searchAfter) != len(req.sort) {
			return nil, illegalArgument("search_after has %d values, but sort has %d criteria", len(req.searchAfter), len(req.sort))
		}
		if req.from > 0 {
			return nil, illegalArgument("from must be 0 (or absent) with search_after")
		}
	}
	return req, nil
}

func (req *esSearchRequest) readBody(o *jsonObject) error {
	req.query = o.raw("query")
	for key, dst := range map[string]*int{"size": &req.size, "from": &req.from} {
		if o.has(key) {
			n, err := flexInt(o.raw(key), "search."+key)
			if err != nil {
				return err
			}
			*dst = n
		} else {
			delete(o.keys, key)
		}
	}
	if o.has("sort") {
		keys, err := parseSort(o.raw("sort"))
		if err != nil {
			return err
		}
		req.sort = keys
	}
	if o.has("search_after") {
		if err := o.take("search_after", &req.searchAfter); err != nil {
			return err
		}
	}
	if o.has("track_total_hits") {
		if err := req.readTrack(string(bytes.TrimSpace(o.raw("track_total_hits")))); err != nil {
			return err
		}
	}
	var aggsRaw map[string]json.RawMessage
	for _, key := range []string{"aggs", "aggregations"} {
		if err := o.take(key, &aggsRaw); err != nil {
			return err
		}
	}
	if len(aggsRaw) > 0 {
		aggs, err := parseElasticAggs(aggsRaw)
		if err == nil {
			err = validateOrders(aggs)
		}
		if err != nil {
			return err
		}
		req.aggs = aggs
	}
	if o.has("_source") {
		if err := req.source.read(o.raw("_source")); err != nil {
			return err
		}
	}
	for _, key := range []string{"fields", "docvalue_fields"} {
		if !o.has(key) {
			delete(o.keys, key)
			continue
		}
		fields, err := parseFieldRequests(o.raw(key), key)
		if err != nil {
			return err
		}
		req.fields = append(req.fields, fields...)
	}
	var scriptFields map[string]json.RawMessage
	if err := o.take("script_fields", &scriptFields); err != nil {
		return err
	}
	if len(scriptFields) > 0 {
		return illegalArgument("script_fields are not supported")
	}
	// Scoring, highlighting and shard tuning have no effect on a log store
	// without scores; Grafana's datasources send them with every query.
	o.ignore("highlight", "track_scores", "min_score", "stored_fields", "version", "seq_no_primary_term", "explain",
		"timeout", "terminate_after", "profile", "stats", "indices_boost")
	return o.done()
}

func (req *esSearchRequest) readTrack(v string) error {
	switch v {
	case "true":
		req.trackLimit = -1
	case "false":
		req.trackLimit = 0
	default:
		n, err := strconv.Atoi(strings.Trim(v, `"`))
		if err != nil || n < 0 {
			return badRequest("[track_total_hits] must be true, false or a count, got %s", v)
		}
		req.trackLimit = n
	}
	return nil
}

func (req *esSearchRequest) readURL(q url.Values) error {
	for key, dst := range map[string]*int{"size": &req.size, "from": &req.from} {
		if s := q.Get(key); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return badRequest("parameter [%s] must be a whole number, got %q", key, s)
			}
			*dst = n
		}
	}
	if s := q.Get("track_total_hits"); s != "" {
		if err := req.readTrack(s); err != nil {
			return err
		}
	}
	if s := q.Get("q"); s != "" {
		// URI search: a query_string with the URL's default operator and field.
		qs := map[string]string{"query": s}
		if op := q.Get("default_operator"); op != "" {
			qs["default_operator"] = op
		}
		if df := q.Get("df"); df != "" {
			qs["default_field"] = df
		}
		b, _ := json.Marshal(map[string]any{"query_string": qs})
		if len(req.query) > 0 {
			return illegalArgument("give the query either in the body or as q in the URL, not both")
		}
		req.query = b
	}
	return nil
}

// parseSort reads sort in each form Elasticsearch accepts: "field",
// "field:desc", {"field":"desc"}, {"field":{"order":"desc",…}} and arrays
// of them.
func parseSort(raw json.RawMessage) ([]esSortKey, error) {
	var keys []esSortKey
	for i, item := range oneOrMany(raw) {
		where := "sort[" + strconv.Itoa(i) + "]"
		item = bytes.TrimSpace(item)
		if len(item) > 0 && item[0] == '"' {
			var s string
			if err := json.Unmarshal(item, &s); err != nil {
				return nil, badRequest("[%s]: %v", where, err)
			}
			field, dir, _ := strings.Cut(s, ":")
			k, err := sortKey(field, dir, where)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
			continue
		}
		o, err := objectAt(item, where)
		if err != nil {
			return nil, err
		}
		// {"a":"desc","b":"asc"} in one object (Grafana's form) keeps the
		// order the keys were written in.
		for _, field := range objectKeyOrder(item) {
			spec := o.raw(field)
			var dir string
			var opts *jsonObject
			if t := bytes.TrimSpace(spec); len(t) > 0 && t[0] == '{' {
				if opts, err = objectAt(spec, where+"."+field); err != nil {
					return nil, err
				}
				if err := opts.take("order", &dir); err != nil {
					return nil, err
				}
			} else if err := json.Unmarshal(spec, &dir); err != nil {
				return nil, badRequest("[%s.%s] must be \"asc\", \"desc\" or an object with order", where, field)
			}
			k, err := sortKey(field, dir, where)
			if err != nil {
				return nil, err
			}
			if opts != nil {
				if err := opts.take("format", &k.format); err != nil {
					return nil, err
				}
				opts.ignore("unmapped_type", "numeric_type", "mode")
				if err := opts.done(); err != nil {
					return nil, err
				}
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

func sortKey(field, dir, where string) (esSortKey, error) {
	k := esSortKey{field: field}
	switch strings.ToLower(dir) {
	case "":
		k.desc = field == "_score" // Elasticsearch's defaults
	case "asc":
	case "desc":
		k.desc = true
	default:
		return k, badRequest("[%s] order %q: use asc or desc", where, dir)
	}
	if field == "" {
		return k, badRequest("[%s] names no field", where)
	}
	return k, nil
}

// objectKeyOrder lists the keys of a JSON object in the order written.
func objectKeyOrder(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		if k, ok := t.(string); ok {
			keys = append(keys, k)
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

func (s *sourceFilter) read(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "false":
		s.off = true
	case string(raw) == "true":
	case len(raw) > 0 && (raw[0] == '"' || raw[0] == '['):
		return json.Unmarshal(raw, &s.includes)
	case len(raw) > 0 && raw[0] == '{':
		o, err := objectAt(raw, "_source")
		if err != nil {
			return err
		}
		for _, key := range []string{"includes", "include"} {
			var list []string
			for _, r := range oneOrMany(o.raw(key)) {
				var f string
				if err := json.Unmarshal(r, &f); err != nil {
					return badRequest("[_source.%s] must list field names", key)
				}
				list = append(list, f)
			}
			s.includes = append(s.includes, list...)
		}
		if o.has("excludes") || o.has("exclude") {
			return illegalArgument("_source excludes are not supported; list the fields to include")
		}
		return o.done()
	default:
		return badRequest("[_source] must be true, false, a field list or {\"includes\": [...]}")
	}
	return nil
}

func parseFieldRequests(raw json.RawMessage, key string) ([]fieldRequest, error) {
	var out []fieldRequest
	for i, r := range oneOrMany(raw) {
		r = bytes.TrimSpace(r)
		if len(r) > 0 && r[0] == '"' {
			var f string
			if err := json.Unmarshal(r, &f); err != nil {
				return nil, badRequest("[%s][%d]: %v", key, i, err)
			}
			out = append(out, fieldRequest{field: f})
			continue
		}
		o, err := objectAt(r, key+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		var fr fieldRequest
		if err := o.take("field", &fr.field); err != nil {
			return nil, err
		}
		if err := o.take("format", &fr.format); err != nil {
			return nil, err
		}
		o.ignore("include_unmapped")
		if err := o.done(); err != nil {
			return nil, err
		}
		out = append(out, fr)
	}
	return out, nil
}
