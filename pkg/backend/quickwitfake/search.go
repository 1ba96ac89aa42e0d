package quickwitfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
)

// searchBody is the documented Elasticsearch search body; other keys are
// refused with 400.
type searchBody struct {
	Query           json.RawMessage `json:"query"`
	Size            *int            `json:"size"`
	From            *int            `json:"from"`
	Sort            json.RawMessage `json:"sort"`
	SearchAfter     []any           `json:"search_after"`
	Aggs            json.RawMessage `json:"aggs"`
	Aggregations    json.RawMessage `json:"aggregations"`
	TrackTotalHits  any             `json:"track_total_hits"`
	DefaultOperator string          `json:"default_operator"`
}

// maxHits bounds size + from, as Quickwit's max_hits.
const maxHits = 10_000

func (s *Server) esSearch(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r, "allow_partial_search_results", "ignore_unavailable", "_source_includes", "_source_excludes"); err != nil {
		writeESError(w, http.StatusBadRequest, err.Error())
		return
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	res, status, err := s.search(r.PathValue("index"), raw)
	if err != nil {
		writeESError(w, status, err.Error())
		return
	}
	// Without partial results, failed splits fail the whole search.
	if r.URL.Query().Get("allow_partial_search_results") == "false" && res["_shards"].(map[string]any)["failed"].(int) > 0 {
		writeESError(w, http.StatusInternalServerError, "some splits failed and allow_partial_search_results is false")
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// esMultiSearch runs NDJSON header/body pairs; each answer carries its status.
func (s *Server) esMultiSearch(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r, "max_concurrent_searches", "_source_includes", "_source_excludes", "extra_filters"); err != nil {
		writeESError(w, http.StatusBadRequest, err.Error())
		return
	}
	sc := bufio.NewScanner(io.LimitReader(r.Body, 10<<20))
	sc.Buffer(make([]byte, 0, 64<<10), 10<<20)
	var lines [][]byte
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, append([]byte(nil), l...))
		}
	}
	if len(lines)%2 != 0 {
		writeESError(w, http.StatusBadRequest, "expect request body after request header")
		return
	}
	var responses []any
	for i := 0; i < len(lines); i += 2 {
		var header struct {
			Index             any    `json:"index"`
			IgnoreUnavailable bool   `json:"ignore_unavailable"`
			SearchType        string `json:"search_type"`
			Preference        string `json:"preference"`
		}
		if err := strict(lines[i], &header); err != nil {
			writeESError(w, http.StatusBadRequest, "failed to parse request header: "+err.Error())
			return
		}
		index := ""
		switch v := header.Index.(type) {
		case string:
			index = v
		case []any:
			if len(v) == 1 {
				index, _ = v[0].(string)
			}
		}
		if index == "" {
			writeESError(w, http.StatusBadRequest, "`_msearch` request header must define one index")
			return
		}
		res, status, err := s.search(index, lines[i+1])
		if err != nil {
			responses = append(responses, map[string]any{"status": status, "error": map[string]any{"reason": err.Error()}})
			continue
		}
		res["status"] = http.StatusOK
		responses = append(responses, res)
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": responses})
}

// search runs one search body on index.
func (s *Server) search(indexID string, raw []byte) (map[string]any, int, error) {
	var body searchBody
	if err := strict(raw, &body); err != nil {
		return nil, http.StatusBadRequest, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.idx[indexID]
	if !ok {
		return nil, http.StatusNotFound, fmt.Errorf("index `%s` not found", indexID)
	}
	match := matcher(matchAll)
	if len(body.Query) > 0 {
		m, err := s.compileDSL(ix, body.Query)
		if err != nil {
			return nil, status(err), err
		}
		match = m
	}
	docs, failed := s.visible(ix)
	var hits []*doc
	for i := range docs {
		if match(docs[i]) {
			hits = append(hits, docs[i])
		}
	}
	size, from := 10, 0
	if body.Size != nil {
		size = *body.Size
	}
	if body.From != nil {
		from = *body.From
	}
	if size < 0 || from < 0 || size+from > maxHits {
		return nil, http.StatusBadRequest, fmt.Errorf("size + from must be between 0 and %d", maxHits)
	}
	keys, err := s.parseSort(ix, body.Sort)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	page, err := sortPage(keys, hits, body.SearchAfter, from, size)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	out := map[string]any{
		"took": 1, "timed_out": false,
		"_shards": shards(ix, failed),
		"hits":    map[string]any{"total": map[string]any{"value": len(hits), "relation": "eq"}, "max_score": nil, "hits": renderHits(ix, keys, page)},
	}
	aggRaw := body.Aggs
	if len(aggRaw) == 0 {
		aggRaw = body.Aggregations
	}
	if len(aggRaw) > 0 {
		ev := &aggEval{s: s, ix: ix}
		aggs, err := ev.run(aggRaw, hits)
		if err != nil {
			return nil, status(err), err
		}
		out["aggregations"] = aggs
	}
	return out, http.StatusOK, nil
}

func status(err error) int {
	var b *badRequest
	if errors.As(err, &b) {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// visible returns the committed documents of searchable splits and the
// splits reported failed.
func (s *Server) visible(ix *index) ([]*doc, []int) {
	now := s.opts.Now()
	var failed []int
	for sp := ix.splits; sp > ix.splits-s.failed && sp > 0; sp-- {
		failed = append(failed, sp)
	}
	var out []*doc
	for i := range ix.docs {
		d := &ix.docs[i]
		if d.visibleAt.After(now) || d.split > ix.splits-s.failed {
			continue
		}
		out = append(out, d)
	}
	return out, failed
}

// shards reports splits as Elasticsearch reports shards.
func shards(ix *index, failed []int) map[string]any {
	sh := map[string]any{"total": ix.splits, "successful": ix.splits - len(failed), "skipped": 0, "failed": len(failed)}
	if len(failed) > 0 {
		var failures []any
		for _, sp := range failed {
			failures = append(failures, map[string]any{"shard": 0, "index": ix.cfg.IndexID,
				"reason": map[string]any{"type": "split_search_error", "reason": fmt.Sprintf("split %s: failed to open the split (storage unavailable)", splitID(sp))}})
		}
		sh["failures"] = failures
	}
	return sh
}

func splitID(split int) string { return fmt.Sprintf("01HFAKESPLIT%014d", split) }

func renderHits(ix *index, keys []sortKey, page []*doc) []any {
	out := make([]any, 0, len(page))
	for _, d := range page {
		h := map[string]any{"_index": ix.cfg.IndexID, "_id": "", "_score": nil, "_source": d.source}
		if len(keys) > 0 {
			var sv []any
			for _, k := range keys {
				sv = append(sv, k.render(d))
			}
			h["sort"] = sv
		}
		out = append(out, h)
	}
	return out
}

func sortPage(keys []sortKey, hits []*doc, after []any, from, size int) ([]*doc, error) {
	if len(after) > 0 {
		if len(after) != len(keys) {
			return nil, errors.New("sort and search_after are of different length")
		}
		for i, k := range keys {
			if err := k.checkAfter(after[i]); err != nil {
				return nil, err
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return compareDocs(keys, hits[i], hits[j]) < 0 })
	var kept []*doc
	for _, d := range hits {
		if len(after) == 0 || compareAfter(keys, d, after) > 0 {
			kept = append(kept, d)
		}
	}
	if from >= len(kept) {
		return nil, nil
	}
	return kept[from:min(len(kept), from+size)], nil
}

func compareDocs(keys []sortKey, a, b *doc) int {
	for _, k := range keys {
		if c := k.compare(k.value(a), k.value(b)); c != 0 {
			return c
		}
	}
	return 0
}

func compareAfter(keys []sortKey, d *doc, after []any) int {
	for i, k := range keys {
		if c := k.compare(k.value(d), k.parse(after[i])); c != 0 {
			return c
		}
	}
	return 0
}
