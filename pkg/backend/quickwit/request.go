package quickwit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/triage-logs/triage/pkg/backend/qwquery"
	"github.com/triage-logs/triage/pkg/backend/transport"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// esQuery is the query DSL the adapter sends: the printed query as a
// query_string (default_operator AND: Triage's language, like Quickwit's
// own, joins clauses with AND, while the Elasticsearch API defaults to OR)
// and the time range as a range filter on the timestamp field.
func (b *Backend) esQuery(ctx context.Context, m *indexMapping, text string, start, end, now time.Time) (map[string]any, error) {
	v, _, _ := b.Version(ctx)
	n, err := query.Parse(text)
	if err != nil {
		return nil, &engine.QueryError{Query: text, Err: err}
	}
	printed, err := qwquery.Print(n, qwquery.Options{Version: v, Schema: m.schema, Now: now, NotFast: func(f string) bool { return m.notFast[f] }})
	if err != nil {
		return nil, &engine.QueryError{Query: text, Err: err}
	}
	must := []any{map[string]any{"query_string": map[string]any{"query": printed, "default_operator": "AND"}}}
	boolQ := map[string]any{"must": must}
	if r := timeRange(start, end); r != nil {
		if m.info.TimestampField == "" {
			return nil, fmt.Errorf("quickwit: index %q has no timestamp field, so it cannot be searched by time", m.info.ID)
		}
		boolQ["filter"] = []any{map[string]any{"range": map[string]any{m.info.TimestampField: r}}}
	}
	return map[string]any{"bool": boolQ}, nil
}

// timeRange is [start, end) in RFC 3339; nil when both are open.
func timeRange(start, end time.Time) map[string]any {
	r := map[string]any{}
	if !start.IsZero() {
		r["gte"] = start.UTC().Format(time.RFC3339Nano)
	}
	if !end.IsZero() {
		r["lt"] = end.UTC().Format(time.RFC3339Nano)
	}
	if len(r) == 0 {
		return nil
	}
	return r
}

// esResponse is one Elasticsearch-compatible search answer.
type esResponse struct {
	TimedOut bool `json:"timed_out"`
	Shards   struct {
		Total    int `json:"total"`
		Failed   int `json:"failed"`
		Failures []struct {
			Shard  any             `json:"shard"`
			Index  string          `json:"index"`
			Reason json.RawMessage `json:"reason"`
		} `json:"failures"`
	} `json:"_shards"`
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []esHit `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]json.RawMessage `json:"aggregations"`
	// Errors and FailedSplits are Quickwit's own report of splits that
	// could not be searched.
	Errors       []string          `json:"errors"`
	FailedSplits []json.RawMessage `json:"failed_splits"`
}

type esHit struct {
	Index  string          `json:"_index"`
	Source json.RawMessage `json:"_source"`
	Sort   []any           `json:"sort"`
}

// search posts body to {index}/_search and reads the answer.
func (b *Backend) search(ctx context.Context, index string, body map[string]any) (*esResponse, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("quickwit: encode the search: %w", err)
	}
	path := "/api/v1/_elastic/" + url.PathEscape(index) + "/_search"
	res, err := b.c.Do(ctx, transport.Request{Method: http.MethodPost, Path: path, Body: raw, ContentType: "application/json"})
	if err != nil {
		return nil, indexError(index, err)
	}
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.UseNumber()
	var out esResponse
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("quickwit: %s: read the answer: %w", path, err)
	}
	return &out, nil
}

// warnings says when an answer is partial: failed splits or shards, or a
// timeout. A partial answer is never used silently.
func (r *esResponse) warnings() []string {
	var out []string
	if r.Shards.Failed > 0 {
		reasons := make([]string, 0, len(r.Shards.Failures))
		for _, f := range r.Shards.Failures {
			reasons = append(reasons, strings.TrimSpace(string(f.Reason)))
		}
		out = append(out, fmt.Sprintf("quickwit: %d of %d splits failed, their events are missing from this answer: %s",
			r.Shards.Failed, r.Shards.Total, strings.Join(reasons, "; ")))
	}
	if n := max(len(r.FailedSplits), len(r.Errors)); n > 0 && r.Shards.Failed == 0 {
		out = append(out, fmt.Sprintf("quickwit: %d splits failed, their events are missing from this answer: %s", n, strings.Join(r.Errors, "; ")))
	}
	if r.TimedOut {
		out = append(out, "quickwit: the search timed out; the answer is partial")
	}
	return out
}
